/**
 * Staff accounts from the command line (the first admin has to come from somewhere, and there is
 * no default account or password):
 *   npm run users -- add NAME [--role staff|editor|admin] [--name 显示名]   password from stdin
 *   npm run users -- passwd NAME                                           new password from stdin
 *   npm run users -- disable NAME | enable NAME
 *   npm run users -- list
 * The password is read from standard input (first line; a terminal shows no echo only if the
 * caller's shell arranges it — pipe it from a secrets manager in scripts), never from argv, where
 * other users of the machine could see it. Uses the same database as the bot (DATABASE_URL, or
 * CASES_DB). Exit 0 on success, 1 on refusal (bad name, weak password, exists), 2 on wrong usage.
 */
import { openCaseDatabase } from '../cases/open';
import { configSchema } from '../config';
import { StaffSessions } from '../staff/sessions';
import { isRole, type Role, StaffUsers, UserError } from '../staff/users';

const USAGE = 'usage: npm run users -- add NAME [--role staff|editor|admin] [--name DISPLAY] | passwd NAME | disable NAME | enable NAME | list  (passwords from standard input)';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** All of standard input. */
  stdin(): Promise<string>;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function readPassword(io: CliIo): Promise<string> {
  const raw = await io.stdin();
  return (raw.split(/\r?\n/)[0] ?? '').replace(/\s+$/, '');
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const [command, name, ...rest] = argv;
  if (!command || !['add', 'passwd', 'disable', 'enable', 'list'].includes(command) || (command !== 'list' && !name)) {
    io.err(USAGE);
    return 2;
  }
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    io.err(`invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return 2;
  }
  const c = parsed.data;
  const { db, ready } = openCaseDatabase({ databaseUrl: c.DATABASE_URL, schema: c.DATABASE_SCHEMA, sqliteFile: c.CASES_DB });
  try {
    await ready;
    const users = new StaffUsers(db);
    switch (command) {
      case 'add': {
        const role = flag(rest, '--role') ?? 'staff';
        if (!isRole(role)) {
          io.err(`--role must be staff, editor or admin (got "${role}")`);
          return 2;
        }
        const password = await readPassword(io);
        const u = await users.add({ username: name!, displayName: flag(rest, '--name'), role: role as Role, password });
        io.out(`added ${u.username} (${u.role})`);
        return 0;
      }
      case 'passwd': {
        const password = await readPassword(io);
        if (!(await users.setPassword(name!, password))) throw new UserError(`no user "${name}"`, 'username');
        await new StaffSessions(db).destroyAll(name!);
        io.out(`password changed for ${name}; their sessions are ended`);
        return 0;
      }
      case 'disable':
      case 'enable': {
        if (!(await users.setDisabled(name!, command === 'disable'))) throw new UserError(`no user "${name}"`, 'username');
        if (command === 'disable') await new StaffSessions(db).destroyAll(name!);
        io.out(`${command}d ${name}`);
        return 0;
      }
      default:
        for (const u of await users.list()) io.out(`${u.username}\t${u.role}\t${u.disabled ? 'disabled' : 'active'}\t${u.displayName}`);
        return 0;
    }
  } catch (err) {
    if (err instanceof UserError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  const io: CliIo = {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    stdin: () =>
      new Promise((resolve, reject) => {
        if (process.stdin.isTTY) process.stderr.write('password: ');
        const chunks: Buffer[] = [];
        process.stdin.on('data', (c: Buffer) => {
          chunks.push(c);
          // A terminal: the first line is enough.
          if (process.stdin.isTTY && c.includes(10)) process.stdin.pause(), resolve(Buffer.concat(chunks).toString('utf8'));
        });
        process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        process.stdin.on('error', reject);
      }),
  };
  main(process.argv.slice(2), process.env, io).then(
    (code) => process.exit(code),
    (e: unknown) => {
      io.err(String((e as Error).message ?? e));
      process.exit(1);
    },
  );
}
