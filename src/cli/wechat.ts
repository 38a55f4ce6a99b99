/**
 * Operators' command line for the WeChat Official Account:
 *   npm run wechat -- menu <file.yaml> [--dry-run]   check the custom menu file against WeChat's
 *                                                    limits and upload it (/cgi-bin/menu/create)
 * Reads WECHAT_APPID, WECHAT_APPSECRET, WECHAT_API_BASE (default the real API) and PUBLIC_BASE_URL
 * (for ${PUBLIC_BASE_URL} in view buttons) from the environment. Exit 0 on success, 1 on an invalid
 * file or a refused upload, 2 on wrong usage.
 */
import { resolve } from 'node:path';
import pino from 'pino';
import { WeChatApi } from '../channels/wechat/api';
import { MenuFileError, WeChatApiError } from '../channels/wechat/errors';
import { clickMessages, createMenu, loadMenuFile, toWeChatPayload } from '../channels/wechat/menu';
import { configSchema } from '../config';

const USAGE = 'usage: npm run wechat -- menu <file.yaml> [--dry-run]';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'menu') {
    io.err(USAGE);
    return 2;
  }
  const dryRun = rest.includes('--dry-run');
  const file = rest.find((a) => !a.startsWith('--'));
  if (!file) {
    io.err(USAGE);
    return 2;
  }
  const parsed = configSchema
    .pick({ WECHAT_APPID: true, WECHAT_APPSECRET: true, WECHAT_API_BASE: true, PUBLIC_BASE_URL: true })
    .safeParse(env);
  if (!parsed.success) {
    for (const i of parsed.error.issues) io.err(`${i.path.join('.')}: ${i.message}`);
    return 2;
  }
  const cfg = parsed.data;
  let menu;
  try {
    menu = loadMenuFile(resolve(file), { publicBaseUrl: cfg.PUBLIC_BASE_URL });
  } catch (err) {
    if (err instanceof MenuFileError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
  const clicks = clickMessages(menu);
  io.out(`${file}: valid — ${menu.button.length} top-level buttons, ${clicks.size} click keys`);
  for (const [key, message] of clicks) io.out(`  ${key} → "${message}"`);
  if (dryRun) {
    io.out(JSON.stringify(toWeChatPayload(menu), null, 2));
    return 0;
  }
  if (!cfg.WECHAT_APPID || !cfg.WECHAT_APPSECRET) {
    io.err('WECHAT_APPID and WECHAT_APPSECRET must be set to upload the menu (or use --dry-run)');
    return 2;
  }
  const api = new WeChatApi({
    apiBase: cfg.WECHAT_API_BASE,
    appId: cfg.WECHAT_APPID,
    appSecret: cfg.WECHAT_APPSECRET,
    logger: pino({ level: 'warn' }, pino.destination(2)),
  });
  try {
    await createMenu(api, menu);
  } catch (err) {
    if (err instanceof WeChatApiError) {
      io.err(`WeChat refused the menu: ${err.message}`);
      return 1;
    }
    throw err;
  }
  io.out(`menu uploaded to ${cfg.WECHAT_API_BASE}`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env, { out: (l) => console.log(l), err: (l) => console.error(l) }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
