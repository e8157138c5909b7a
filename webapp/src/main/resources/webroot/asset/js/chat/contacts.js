/*
 * Who is around: my own profile, the friends (with presence) and groups lists, reloaded now and then
 * and when a message comes from someone or some group the lists do not know yet.
 */
import { api, me, dom, state, conversation, toast, expired } from './state.js';
import { renderList } from './list.js';
import { prefetchPreviews } from './history.js';

/** Set by main.js: after the lists changed (e.g. to repaint the open conversation's header). */
let onContacts = () => {};
export function whenContactsChanged(callback) { onContacts = callback; }

export function renderMe() {
  dom.meName.textContent = me.name;
  api.avatar(dom.meAvatar, me.name, me.avatar, me.id);
}

export function loadMe() {
  return api.post('/user/find', { userId: me.id }).then((r) => {
    if (expired(r) || !r.ok || !r.data) return;
    me.name = String(r.data.Name || me.name);
    me.avatar = r.data.Avatar || '';
    me.phone = r.data.Phone || '';
    me.email = r.data.Email || '';
    renderMe();
  });
}

export function loadFriends() {
  return api.post('/searchFriends', { userId: me.id }).then((r) => {
    if (expired(r)) return;
    if (!r.ok) {
      if (!state.friendsLoaded) toast(api.explain(r.message), 'error');
      return;
    }
    const seen = new Set();
    r.rows.forEach((u) => {
      const id = Number(u.ID);
      if (!(id > 0)) return;
      const c = conversation('u', id);
      c.contact = true;
      c.named = true;
      c.name = String(u.Name || '');
      c.avatar = u.Avatar || '';
      c.online = u.Online === true;
      seen.add(c.key);
    });
    state.convs.forEach((c) => {
      if (c.kind === 'u' && c.contact && !seen.has(c.key)) c.contact = false;
    });
    state.friendsLoaded = true;
    afterContacts();
  });
}

export function loadGroups() {
  return api.post('/contact/loadcommunity', { ownerId: me.id }).then((r) => {
    if (expired(r)) return;
    if (!r.ok) {
      if (!state.groupsLoaded) toast(api.explain(r.message), 'error');
      return;
    }
    const seen = new Set();
    r.rows.forEach((g) => {
      const id = Number(g.ID);
      if (!(id > 0)) return;
      const c = conversation('g', id);
      c.contact = true;
      c.named = true;
      c.name = String(g.Name || '');
      c.avatar = g.Img || '';
      c.desc = String(g.Desc || '');
      seen.add(c.key);
    });
    state.convs.forEach((c) => {
      if (c.kind === 'g' && c.contact && !seen.has(c.key)) c.contact = false;
    });
    state.groupsLoaded = true;
    afterContacts();
  });
}

let reloadGroupsTimer = null;
let reloadFriendsTimer = null;

/** A message from a group the list does not know yet (joined in another tab): reload, once. */
export function reloadGroupsSoon() {
  if (reloadGroupsTimer) return;
  reloadGroupsTimer = setTimeout(() => {
    reloadGroupsTimer = null;
    loadGroups();
  }, 300);
}

/** A message from someone not in the list (who just added us as a friend): reload, once. */
export function reloadFriendsSoon() {
  if (reloadFriendsTimer) return;
  reloadFriendsTimer = setTimeout(() => {
    reloadFriendsTimer = null;
    loadFriends();
  }, 300);
}

function afterContacts() {
  renderList();
  onContacts();
  if (state.friendsLoaded && state.groupsLoaded) prefetchPreviews();
}
