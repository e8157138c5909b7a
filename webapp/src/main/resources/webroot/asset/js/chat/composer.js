/*
 * Writing: the text box (Enter sends, Shift+Enter a new line, drafts per conversation, typing
 * signals), emoji and stickers, pictures (button, paste, drop) and voice clips. Uploads show at once
 * and become messages when the file is on the server; sending itself is outbox.js's job.
 */
import { api, M, me, dom, state, toast, expired } from './state.js';
import { record } from './records.js';
import { appendRecord } from './render.js';
import { refreshListItem } from './list.js';
import { send, setState } from './outbox.js';
import { typing } from './receipts.js';

const MAX_CONTENT_BYTES = 4096;
const MAX_VOICE_SECONDS = 60;
const IMAGE_TYPES = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'image/bmp': 'bmp' };

const drafts = new Map(); // conversation key -> unsent text

export function saveDraft() {
  if (!state.active) return;
  if (dom.input.value) drafts.set(state.active.key, dom.input.value);
  else drafts.delete(state.active.key);
}

export function restoreDraft(c) {
  dom.input.value = drafts.get(c.key) || '';
  autosize();
}

function autosize() {
  dom.input.style.height = 'auto';
  dom.input.style.height = Math.min(dom.input.scrollHeight, 160) + 'px';
}

function sendText() {
  const c = state.active;
  if (!c) return;
  const text = dom.input.value;
  if (!text.trim()) return;
  if (api.utf8Length(text) > MAX_CONTENT_BYTES) {
    toast('消息太长（最多 4096 字节）/ The message is too long (4096 bytes at most)', 'error');
    return;
  }
  send(c, { Media: M.MEDIA_TEXT, Content: text });
  closeEmojiPanel();
  dom.input.value = '';
  drafts.delete(c.key);
  autosize();
  dom.input.focus();
}

function sendSticker(sticker) {
  if (!state.active) return;
  send(state.active, { Media: M.MEDIA_STICKER, Content: sticker.id, url: sticker.url });
  closeEmojiPanel();
}

/** Shows the file at once, uploads it, then sends the message (Media 4 image or 3 voice). */
function sendUpload(c, blob, fileName, media, extra) {
  const rec = record({
    type: c.kind === 'g' ? 2 : 1, targetId: c.id, userId: me.id, media, content: '', url: '', amount: extra && extra.amount, createTime: null, clientMsgId: ''
  }, true, 'uploading');
  rec.at = Date.now();
  rec.localUrl = URL.createObjectURL(blob);
  rec.progress = 0;
  appendRecord(c, rec);
  refreshListItem(c);
  const attempt = () => {
    setState(c, rec, 'uploading');
    api.upload(blob, fileName, (p) => {
      rec.progress = p;
      if (rec.state === 'uploading') setState(c, rec, 'uploading');
    }).then((r) => {
      if (expired(r)) return;
      if (!r.ok || typeof r.data !== 'string') {
        rec.retry = attempt;
        setState(c, rec, 'failed', api.explain(r.message) || '上传失败 / Upload failed');
        refreshListItem(c);
        return;
      }
      const fields = { Media: media, url: r.data };
      if (extra && extra.amount !== undefined) fields.amount = extra.amount;
      send(c, fields, rec);
    });
  };
  attempt();
}

function sendImages(files) {
  if (!state.active) return;
  Array.from(files).forEach((file) => {
    const problem = api.dialogs.imageProblem(file);
    if (problem) {
      toast(problem, 'error');
      return;
    }
    sendUpload(state.active, file, 'image.' + IMAGE_TYPES[file.type], M.MEDIA_IMAGE);
  });
}

// ---- emoji and stickers ----

function buildEmojiPanel() {
  api.emoji.emoji.forEach((e) => {
    const b = api.el('button', 'emoji', e);
    b.type = 'button';
    b.addEventListener('click', () => insertText(e));
    dom.emojiGrid.appendChild(b);
  });
  api.emoji.stickers.forEach((s) => {
    const b = api.el('button', 'sticker');
    b.type = 'button';
    b.title = s.name;
    b.setAttribute('data-sticker', s.id);
    const img = document.createElement('img');
    img.src = s.url;
    img.alt = s.name;
    img.loading = 'lazy';
    b.appendChild(img);
    b.addEventListener('click', () => sendSticker(s));
    dom.stickerGrid.appendChild(b);
  });
  const tab = (showStickers) => {
    dom.tabEmoji.setAttribute('aria-selected', showStickers ? 'false' : 'true');
    dom.tabStickers.setAttribute('aria-selected', showStickers ? 'true' : 'false');
    dom.emojiGrid.hidden = showStickers;
    dom.stickerGrid.hidden = !showStickers;
  };
  dom.tabEmoji.addEventListener('click', () => tab(false));
  dom.tabStickers.addEventListener('click', () => tab(true));
}

function insertText(text) {
  const input = dom.input;
  const start = input.selectionStart === undefined ? input.value.length : input.selectionStart;
  const end = input.selectionEnd === undefined ? input.value.length : input.selectionEnd;
  input.value = input.value.slice(0, start) + text + input.value.slice(end);
  const caret = start + text.length;
  input.focus();
  input.setSelectionRange(caret, caret);
  autosize();
}

export function closeEmojiPanel() {
  dom.emojiPanel.hidden = true;
  dom.emojiButton.setAttribute('aria-expanded', 'false');
}

// ---- voice ----

let recorder = null;
let recTimer = null;

function setupVoice() {
  const reason = api.Recorder.unsupportedReason();
  if (reason) {
    dom.voiceButton.disabled = true;
    dom.voiceButton.title = reason;
    dom.voiceButton.setAttribute('aria-disabled', 'true');
    return;
  }
  dom.voiceButton.addEventListener('click', startRecording);
  dom.recCancel.addEventListener('click', cancelRecording);
  dom.recSend.addEventListener('click', finishRecording);
}

function startRecording() {
  if (recorder || !state.active) return;
  const r = new api.Recorder();
  recorder = r;
  dom.voiceButton.disabled = true;
  r.start().then(() => {
    if (recorder !== r) {
      r.cancel();
      return;
    }
    dom.recorder.hidden = false;
    dom.form.hidden = true;
    dom.recTime.textContent = '0:00';
    recTimer = setInterval(() => {
      const s = Math.floor(r.seconds());
      dom.recTime.textContent = Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
      if (s >= MAX_VOICE_SECONDS) finishRecording();
    }, 250);
  }, (err) => {
    recorder = null;
    dom.voiceButton.disabled = false;
    toast('无法使用麦克风 / The microphone is not available' + (err && err.name ? ' (' + err.name + ')' : ''), 'error');
  });
}

function stopRecorderUi() {
  clearInterval(recTimer);
  dom.recorder.hidden = true;
  dom.form.hidden = false;
  dom.voiceButton.disabled = false;
}

export function cancelRecording() {
  if (!recorder) return;
  recorder.cancel();
  recorder = null;
  stopRecorderUi();
}

function finishRecording() {
  if (!recorder || !recorder.startedAt) return;
  const r = recorder;
  const c = state.active;
  recorder = null;
  stopRecorderUi();
  r.stop().then((clip) => {
    if (clip.seconds < 1 || !clip.blob.size) {
      toast('录音太短 / The recording is too short', 'error');
      return;
    }
    sendUpload(c, clip.blob, clip.fileName, M.MEDIA_VOICE, { amount: Math.max(1, Math.round(clip.seconds)) });
  });
}

// ---- wiring ----

export function setupComposer() {
  dom.form.addEventListener('submit', (event) => {
    event.preventDefault();
    sendText();
  });
  dom.input.addEventListener('keydown', (event) => {
    // Enter sends; Shift+Enter is a new line; Enter that confirms an input method's candidate does neither.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      sendText();
    }
  });
  dom.input.addEventListener('input', () => {
    autosize();
    if (state.active && dom.input.value) typing(state.active);
  });
  dom.input.addEventListener('paste', (event) => {
    const files = event.clipboardData && event.clipboardData.files;
    if (files && files.length) {
      event.preventDefault();
      sendImages(files);
    }
  });
  ['dragover', 'drop'].forEach((type) => {
    dom.conversation.addEventListener(type, (event) => {
      if (!event.dataTransfer || Array.prototype.indexOf.call(event.dataTransfer.types, 'Files') < 0) return;
      event.preventDefault();
      if (type === 'drop') sendImages(event.dataTransfer.files);
    });
  });
  dom.imageButton.addEventListener('click', () => dom.imageInput.click());
  dom.imageInput.addEventListener('change', () => {
    const files = Array.from(dom.imageInput.files || []);
    dom.imageInput.value = '';
    sendImages(files);
  });
  dom.emojiButton.addEventListener('click', (event) => {
    event.stopPropagation();
    const open = dom.emojiPanel.hidden;
    dom.emojiPanel.hidden = !open;
    dom.emojiButton.setAttribute('aria-expanded', open ? 'true' : 'false');
  });
  document.addEventListener('click', (event) => {
    if (!dom.emojiPanel.hidden && !dom.emojiPanel.contains(event.target) && event.target !== dom.emojiButton) {
      closeEmojiPanel();
    }
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !dom.emojiPanel.hidden) closeEmojiPanel();
  });
  buildEmojiPanel();
  setupVoice();
}
