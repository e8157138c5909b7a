/*
 * What the emoji panel offers.
 *
 * - Emoji are ordinary Unicode characters inserted into the text being typed (a Media 1 message).
 * - Stickers are michat's built-in pictures, sent as their own message (Media 2):
 *     {"Type":1|2, "Media":2, "Content":"sticker:<name>", "url":"/asset/stickers/<name>.svg", …}
 *   Content is the sticker's id; url lets clients that only know the seed's protocol show the picture.
 *   A Media 2 message whose Content is not a known id is shown through its url when that is safe, or
 *   else as large text (so a client may send a single emoji as a "big emoji" sticker).
 *
 * Exposed as michat.emoji.
 */
(function () {
  'use strict';

  var EMOJI = (
    '😀 😁 😂 🤣 😊 😇 🙂 😉 😍 🥰 😘 😋 😜 🤪 😎 🤩 🥳 😏 😌 😴 🤔 🤗 🤭 🤫 ' +
    '😐 🙄 😬 😮 😲 😳 🥺 😢 😭 😤 😠 😡 🤯 😱 😨 😰 🤒 🤧 😷 🤮 🥶 🥵 😵 🤠 ' +
    '👍 👎 👌 ✌️ 🤞 🤝 👏 🙌 🙏 💪 👋 🤙 👀 🧠 💯 🔥 ✨ 🎉 🎊 🎁 🎂 ☕ 🍵 🍺 ' +
    '🍻 🍜 🍚 🍉 🍓 🍎 🌹 🌸 🌈 ☀️ 🌙 ⭐ ⚡ ☔ ❤️ 🧡 💛 💚 💙 💜 🖤 💔 💤 ✅'
  ).split(' ');

  var STICKERS = [
    ['smile', '微笑 / Smile'], ['laugh', '大笑 / Laugh'], ['love', '喜欢 / Love'], ['wink', '眨眼 / Wink'],
    ['cool', '酷 / Cool'], ['cry', '哭 / Cry'], ['angry', '生气 / Angry'], ['wow', '惊讶 / Wow'],
    ['sleepy', '困 / Sleepy'], ['party', '庆祝 / Party'], ['heart', '爱心 / Heart'], ['thumbsup', '赞 / Thumbs up']
  ].map(function (s) {
    return { id: 'sticker:' + s[0], name: s[1], url: '/asset/stickers/' + s[0] + '.svg' };
  });

  var byId = {};
  STICKERS.forEach(function (s) { byId[s.id] = s; });

  window.michat.emoji = {
    emoji: EMOJI,
    stickers: STICKERS,
    /** The built-in sticker with this id, or null. */
    sticker: function (id) {
      return Object.prototype.hasOwnProperty.call(byId, id) ? byId[id] : null;
    }
  };
})();
