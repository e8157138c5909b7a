/*
 * Voice clips with the browser's MediaRecorder. Browsers allow the microphone only on secure pages
 * (https, or http://localhost); elsewhere Recorder.supported() is false and the client says why.
 *
 * Exposed as michat.Recorder.
 */
(function () {
  'use strict';

  /** Container types in order of preference, with the file extension the server accepts for each. */
  var TYPES = [
    ['audio/webm;codecs=opus', 'webm'], ['audio/webm', 'webm'], ['audio/ogg;codecs=opus', 'ogg'],
    ['audio/mp4', 'm4a'], ['audio/aac', 'aac'], ['audio/mpeg', 'mp3']
  ];

  function extensionOf(mimeType) {
    var base = String(mimeType || '').split(';')[0].trim().toLowerCase();
    for (var i = 0; i < TYPES.length; i++) {
      if (TYPES[i][0].split(';')[0] === base) return TYPES[i][1];
    }
    return base === 'audio/wav' || base === 'audio/x-wav' ? 'wav' : 'webm';
  }

  function Recorder() {
    this.stream = null;
    this.media = null;
    this.chunks = [];
    this.startedAt = 0;
  }

  /** Null when recording is possible here, else the reason in words. */
  Recorder.unsupportedReason = function () {
    if (!window.isSecureContext) return '录音需要 HTTPS 或 localhost / Recording needs HTTPS or localhost';
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.MediaRecorder) {
      return '此浏览器不支持录音 / This browser cannot record audio';
    }
    return null;
  };

  /** Asks for the microphone and starts recording; rejects when refused or unavailable. */
  Recorder.prototype.start = function () {
    var self = this;
    return navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      self.stream = stream;
      var type = TYPES.map(function (t) { return t[0]; }).filter(function (t) {
        return MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(t);
      })[0];
      self.media = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
      self.chunks = [];
      self.media.addEventListener('dataavailable', function (e) {
        if (e.data && e.data.size) self.chunks.push(e.data);
      });
      self.startedAt = Date.now();
      self.media.start(250);
    });
  };

  Recorder.prototype.seconds = function () {
    return this.startedAt ? (Date.now() - this.startedAt) / 1000 : 0;
  };

  /** Stops and resolves with { blob, seconds, fileName }. */
  Recorder.prototype.stop = function () {
    var self = this;
    return new Promise(function (resolve) {
      var media = self.media;
      var seconds = self.seconds();
      media.addEventListener('stop', function () {
        self.release();
        var type = media.mimeType || 'audio/webm';
        var blob = new Blob(self.chunks, { type: type.split(';')[0] });
        resolve({ blob: blob, seconds: seconds, fileName: 'voice.' + extensionOf(type) });
      }, { once: true });
      media.stop();
    });
  };

  Recorder.prototype.cancel = function () {
    if (this.media && this.media.state !== 'inactive') {
      try { this.media.stop(); } catch (e) { /* already stopped */ }
    }
    this.release();
  };

  Recorder.prototype.release = function () {
    if (this.stream) this.stream.getTracks().forEach(function (t) { t.stop(); });
    this.stream = null;
    this.startedAt = 0;
  };

  window.michat.Recorder = Recorder;
})();
