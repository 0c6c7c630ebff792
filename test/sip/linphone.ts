/**
 * A second real SIP phone for lab tests: Debian's linphonec (liblinphone 5.1), driven by
 * commands on its stdin and read by the lines it prints ("Call 1 with … connected"). The
 * lab uses it where baresip 1.0 cannot go: an attended transfer (`transfer 1 --to-call 2`
 * sends REFER with Replaces, RFC 3891). Its audio is .wav files (`soundcard use files`), so
 * it needs no sound card; it registers with digest like any agent's phone.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { writeToneWav } from '../support/sip/audio.js';
import { stopChild, until, type Lab } from '../support/sip/lab.js';

export interface LinphoneOptions {
  name: string;
  tone: number;
  account: { user: string; password: string };
  /** The engine's host:port. */
  registrar: string;
  realm: string;
}

export class Linphone {
  readonly lines: string[] = [];

  private constructor(
    readonly name: string,
    readonly dir: string,
    private readonly proc: ChildProcess,
  ) {
    let rest = '';
    const take = (d: Buffer) => {
      rest += d.toString();
      const parts = rest.split('\n');
      rest = parts.pop()!;
      for (const l of parts) {
        this.lines.push(l);
        if (process.env.LAB_SIP_TRACE) process.stderr.write(`[${name}] ${l}\n`);
      }
    };
    proc.stdout!.on('data', take);
    proc.stderr!.on('data', take);
  }

  static async start(lab: Lab, o: LinphoneOptions): Promise<Linphone> {
    const dir = join(lab.dir, `linphone-${o.name}`);
    await mkdir(join(dir, '.local/share/linphone'), { recursive: true });
    await writeToneWav(join(dir, 'tone.wav'), o.tone, 600);
    const sipPort = lab.port(10);
    const rtpPort = lab.port(10);
    await writeFile(
      join(dir, 'rc'),
      [
        '[sip]',
        `sip_port=${sipPort}`,
        'sip_tcp_port=-1',
        'sip_tls_port=-1',
        'default_proxy=0',
        '[rtp]',
        `audio_rtp_port=${rtpPort}`,
        '[proxy_0]',
        `reg_proxy=<sip:${o.registrar}>`,
        `reg_identity=sip:${o.account.user}@${o.registrar.split(':')[0]}`,
        'reg_expires=600',
        'reg_sendregister=1',
        '[auth_info_0]',
        `username=${o.account.user}`,
        `passwd=${o.account.password}`,
        `realm=${o.realm}`,
        '',
      ].join('\n'),
    );
    const proc = lab.spawn('linphonec', ['-c', join(dir, 'rc')], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, HOME: dir } });
    const p = new Linphone(o.name, dir, proc);
    p.command('soundcard use files');
    p.command(`play ${join(dir, 'tone.wav')}`);
    p.command(`record ${join(dir, 'heard.wav')}`);
    return p;
  }

  command(line: string): void {
    this.proc.stdin!.write(`${line}\n`);
  }

  /** Waits for a printed line matching `re` after the `from`-th line. */
  waitFor(re: RegExp, from = 0, timeoutMs = 20_000): Promise<string> {
    return until(`${this.name}: ${re}`, () => this.lines.slice(from).find((l) => re.test(l)), timeoutMs);
  }

  async stop(): Promise<void> {
    this.command('quit');
    await stopChild(this.proc, 5000);
  }
}
