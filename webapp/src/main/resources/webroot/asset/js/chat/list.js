/*
 * The conversation list: one button per friend, group or stranger who wrote, newest activity first,
 * with presence, the last message's preview and time, and the unread badge. Items are kept and moved,
 * not rebuilt, so the keyboard focus stays where it is.
 */
import { api, M, el, dom, state, knownUser, lookupUser } from './state.js';

/** Set by main.js: opens a conversation when its item is clicked. */
let onSelect = () => {};
export function whenSelected(callback) { onSelect = callback; }

function visibleInList(c) {
  return c.contact || c.records.length > 0 || c === state.active;
}

function lastRecord(c) {
  return c.records.length ? c.records[c.records.length - 1] : null;
}

function sortKey(c) {
  const last = lastRecord(c);
  return last ? last.at : 0;
}

export function renderList() {
  const items = [];
  state.convs.forEach((c) => { if (visibleInList(c)) items.push(c); });
  items.sort((a, b) => (sortKey(b) - sortKey(a)) ||
    ((b.kind === 'u' && b.online ? 1 : 0) - (a.kind === 'u' && a.online ? 1 : 0)) ||
    a.name.localeCompare(b.name));
  const query = dom.filter.value.trim().toLowerCase();
  const keep = new Set();
  items.forEach((c, i) => {
    const node = refreshListItem(c);
    node.hidden = !!query && c.name.toLowerCase().indexOf(query) < 0;
    keep.add(node);
    // Move only what is out of place (moving a node would take the keyboard focus from it).
    const at = dom.list.children[i];
    if (at !== node) dom.list.insertBefore(node, at || null);
  });
  Array.from(dom.list.children).forEach((node) => {
    if (!keep.has(node)) dom.list.removeChild(node);
  });
  dom.listEmpty.hidden = items.length > 0 || !(state.friendsLoaded && state.groupsLoaded);
}

function buildItem(c) {
  const item = el('button', 'conv');
  item.type = 'button';
  item.setAttribute('data-conv', c.key);
  const avatarWrap = el('span', 'avatar-wrap');
  avatarWrap.appendChild(el('span', 'avatar' + (c.kind === 'g' ? ' avatar-group' : '')));
  if (c.kind === 'u') avatarWrap.appendChild(el('span', 'presence'));
  item.appendChild(avatarWrap);
  const main = el('span', 'conv-main');
  const top = el('span', 'conv-top');
  top.appendChild(el('span', 'conv-name'));
  top.appendChild(el('time', 'conv-time'));
  const bottom = el('span', 'conv-bottom');
  bottom.appendChild(el('span', 'conv-preview'));
  bottom.appendChild(el('span', 'badge'));
  main.appendChild(top);
  main.appendChild(bottom);
  item.appendChild(main);
  item.addEventListener('click', () => { onSelect(c.key); });
  return item;
}

/** Brings c's list item up to date (creating it the first time); returns it. */
export function refreshListItem(c) {
  const item = c.item || (c.item = buildItem(c));
  api.avatar(item.querySelector('.avatar'), c.name, c.avatar, c.id);
  const nameNode = item.querySelector('.conv-name');
  nameNode.textContent = c.name;
  if (c.kind === 'g') nameNode.insertBefore(api.icon('users', 'conv-kind'), nameNode.firstChild);
  const presence = item.querySelector('.presence');
  if (presence) {
    presence.className = 'presence ' + (c.online ? 'is-online' : 'is-offline');
    presence.title = c.online ? '在线 / Online' : '离线 / Offline';
  }
  item.setAttribute('data-online', c.kind === 'u' && c.online ? 'true' : 'false');
  const last = lastRecord(c);
  item.querySelector('.conv-time').textContent = last ? M.shortTime(last.at) : '';
  const previewNode = item.querySelector('.conv-preview');
  previewNode.textContent = previewOf(c, last);
  previewNode.classList.toggle('is-failed', !!last && last.state === 'failed');
  const badge = item.querySelector('.badge');
  badge.textContent = c.unread > 99 ? '99+' : String(c.unread);
  badge.hidden = c.unread === 0;
  item.setAttribute('aria-label', c.name + (c.unread ? '，' + c.unread + ' 条未读 / unread' : ''));
  if (state.active === c) item.setAttribute('aria-current', 'true');
  else item.removeAttribute('aria-current');
  return item;
}

function previewOf(c, rec) {
  if (!rec) {
    if (c.kind === 'g') return c.desc || '群聊 / Group';
    return c.online ? '在线 / Online' : '';
  }
  const text = M.preview(rec.m);
  if (rec.own) return (rec.state === 'failed' ? '⚠ ' : '') + text;
  if (c.kind === 'g') {
    const u = knownUser(rec.m.userId);
    if (!u) lookupUser(rec.m.userId).then((found) => { if (found) refreshListItem(c); });
    return (u ? u.Name : '#' + rec.m.userId) + ': ' + text;
  }
  return text;
}
