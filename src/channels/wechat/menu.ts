/**
 * The Official Account's custom menu (自定义菜单), kept in a YAML file (wechat/menu.yaml).
 * The same file serves two readers: `npm run wechat -- menu <file>` uploads it to WeChat, and the
 * channel maps a CLICK event's key to the message the bot receives (`message`, e.g. key
 * FLOW_LEGAL_AID → "法律援助预审"), so a menu button behaves exactly like typing that text.
 *
 * WeChat's rules, checked before anything is sent: 1–3 top-level buttons, 1–5 sub-buttons each;
 * names at most 16 bytes (top) / 60 bytes (sub) in UTF-8; click keys at most 128 bytes and unique;
 * view URLs http(s) and at most 1024 bytes. "${PUBLIC_BASE_URL}" in a URL is replaced with the
 * configured public base URL.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { WeChatApi } from './api';
import { MenuFileError } from './errors';
import { utf8Bytes } from './text';

export interface MenuLeafClick {
  type: 'click';
  name: string;
  key: string;
  /** What the bot receives when the button is clicked. */
  message: string;
}
export interface MenuLeafView {
  type: 'view';
  name: string;
  url: string;
}
export type MenuLeaf = MenuLeafClick | MenuLeafView;
export interface MenuGroup {
  name: string;
  sub_button: MenuLeaf[];
}
export interface WeChatMenu {
  button: (MenuLeaf | MenuGroup)[];
}

const LIMITS = { top: 3, sub: 5, topNameBytes: 16, subNameBytes: 60, keyBytes: 128, urlBytes: 1024 };

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Validates parsed YAML/JSON; every problem is reported at once. */
export interface MenuEnv {
  publicBaseUrl?: string;
  /** false: the channel only reads click keys, so an unresolved \${PUBLIC_BASE_URL} is no error. */
  forUpload?: boolean;
}

export function validateMenu(data: unknown, file: string, env: MenuEnv = {}): WeChatMenu {
  const problems: string[] = [];
  const keys = new Set<string>();
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

  const leaf = (b: Record<string, unknown>, where: string, maxName: number): MenuLeaf | undefined => {
    const name = str(b.name);
    if (!name) problems.push(`${where}.name: required`);
    else if (utf8Bytes(name) > maxName) problems.push(`${where}.name: "${name}" is ${utf8Bytes(name)} bytes; WeChat allows ${maxName}`);
    const allowed = b.type === 'click' ? ['type', 'name', 'key', 'message'] : ['type', 'name', 'url'];
    for (const k of Object.keys(b)) if (!allowed.includes(k)) problems.push(`${where}.${k}: not allowed for a ${String(b.type)} button`);
    if (b.type === 'click') {
      const key = str(b.key);
      const message = str(b.message);
      if (!key) problems.push(`${where}.key: required for a click button`);
      else if (utf8Bytes(key) > LIMITS.keyBytes) problems.push(`${where}.key: longer than ${LIMITS.keyBytes} bytes`);
      else if (!/^[A-Za-z0-9_.:-]+$/.test(key)) problems.push(`${where}.key: use letters, digits and _ . : - only`);
      else if (keys.has(key)) problems.push(`${where}.key: "${key}" is used twice`);
      keys.add(key);
      if (!message) problems.push(`${where}.message: required (the text the bot receives when the button is clicked)`);
      return { type: 'click', name, key, message };
    }
    if (b.type === 'view') {
      let url = str(b.url);
      if (url.includes('${PUBLIC_BASE_URL}')) {
        if (!env.publicBaseUrl) {
          if (env.forUpload !== false) problems.push(`${where}.url: uses \${PUBLIC_BASE_URL} but PUBLIC_BASE_URL is not set`);
          return { type: 'view', name, url };
        } else url = url.replaceAll('${PUBLIC_BASE_URL}', env.publicBaseUrl.replace(/\/+$/, ''));
      }
      if (!url) problems.push(`${where}.url: required for a view button`);
      else if (!/^https?:\/\/[^\s]+$/i.test(url)) problems.push(`${where}.url: must be an http(s) URL`);
      else if (utf8Bytes(url) > LIMITS.urlBytes) problems.push(`${where}.url: longer than ${LIMITS.urlBytes} bytes`);
      return { type: 'view', name, url };
    }
    problems.push(`${where}.type: must be "click" or "view" (got ${JSON.stringify(b.type ?? null)})`);
    return undefined;
  };

  const button: WeChatMenu['button'] = [];
  if (!isObject(data) || !Array.isArray(data.button)) {
    throw new MenuFileError(file, ['the file must have a top-level "button" list']);
  }
  for (const k of Object.keys(data)) if (k !== 'button') problems.push(`${k}: unknown top-level field`);
  if (data.button.length < 1 || data.button.length > LIMITS.top) {
    problems.push(`button: WeChat allows 1 to ${LIMITS.top} top-level buttons (got ${data.button.length})`);
  }
  data.button.forEach((raw, i) => {
    const where = `button[${i}]`;
    if (!isObject(raw)) return problems.push(`${where}: must be a mapping`);
    if ('sub_button' in raw) {
      const name = str(raw.name);
      if (!name) problems.push(`${where}.name: required`);
      else if (utf8Bytes(name) > LIMITS.topNameBytes) {
        problems.push(`${where}.name: "${name}" is ${utf8Bytes(name)} bytes; WeChat allows ${LIMITS.topNameBytes} for a top-level button`);
      }
      for (const k of Object.keys(raw)) if (k !== 'name' && k !== 'sub_button') problems.push(`${where}.${k}: a button with sub_button takes only name`);
      const subs = raw.sub_button;
      if (!Array.isArray(subs) || subs.length < 1 || subs.length > LIMITS.sub) {
        problems.push(`${where}.sub_button: WeChat allows 1 to ${LIMITS.sub} sub-buttons (got ${Array.isArray(subs) ? subs.length : 'none'})`);
        return;
      }
      const group: MenuGroup = { name, sub_button: [] };
      subs.forEach((s, j) => {
        if (!isObject(s)) return problems.push(`${where}.sub_button[${j}]: must be a mapping`);
        const l = leaf(s, `${where}.sub_button[${j}]`, LIMITS.subNameBytes);
        if (l) group.sub_button.push(l);
      });
      button.push(group);
      return;
    }
    const l = leaf(raw, where, LIMITS.topNameBytes);
    if (l) button.push(l);
  });
  if (problems.length) throw new MenuFileError(file, problems);
  return { button };
}

export function loadMenuFile(file: string, env: MenuEnv = {}): WeChatMenu {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new MenuFileError(file, [`cannot read: ${(err as Error).message}`]);
  }
  return validateMenu(data, file, env);
}

/** CLICK EventKey → the message text the bot receives. */
export function clickMessages(menu: WeChatMenu): Map<string, string> {
  const map = new Map<string, string>();
  for (const b of menu.button) {
    for (const l of 'sub_button' in b ? b.sub_button : [b]) if (l.type === 'click') map.set(l.key, l.message);
  }
  return map;
}

/** The JSON body of /cgi-bin/menu/create (our `message` field stays with us). */
export function toWeChatPayload(menu: WeChatMenu): unknown {
  const leaf = (l: MenuLeaf) => (l.type === 'click' ? { type: 'click', name: l.name, key: l.key } : { type: 'view', name: l.name, url: l.url });
  return { button: menu.button.map((b) => ('sub_button' in b ? { name: b.name, sub_button: b.sub_button.map(leaf) } : leaf(b))) };
}

export async function createMenu(api: WeChatApi, menu: WeChatMenu): Promise<void> {
  await api.post('cgi-bin/menu/create', toWeChatPayload(menu));
}
