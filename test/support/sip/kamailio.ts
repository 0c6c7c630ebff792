/**
 * A real SIP proxy in front of the engine, inside a lab: Kamailio (Debian's kamailio 5.6),
 * stateful (tm), record-routing every dialog-creating request and relaying it to the
 * engine, loose-routing what comes inside a dialog, as an operator's edge proxy or SBC
 * would. Each request and reply it handles is logged (`cc-lab request INVITE <call-id>
 * from <address>`), so a test can tell which of a call's requests went through it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { stopChild, until, type Lab } from './lab.js';

export class Kamailio {
  private constructor(
    private readonly proc: ChildProcess,
    readonly address: string,
    readonly port: number,
    private readonly output: string[],
  ) {}

  /** Starts it on `address:port`, relaying new dialogs to `target` (host:port). */
  static async start(lab: Lab, o: { address: string; port: number; target: string }): Promise<Kamailio> {
    const dir = lab.dir;
    const cfg = join(dir, 'kamailio.cfg');
    await writeFile(
      cfg,
      [
        '#!KAMAILIO',
        'debug=2',
        'log_stderror=yes',
        'children=2',
        'disable_tcp=yes',
        'auto_aliases=no',
        `listen=udp:${o.address}:${o.port}`,
        'mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"',
        ...['tm', 'sl', 'rr', 'pv', 'xlog', 'maxfwd', 'siputils', 'textops'].map((m) => `loadmodule "${m}.so"`),
        'modparam("rr", "enable_full_lr", 1)',
        'request_route {',
        '  xlog("L_NOTICE", "cc-lab request $rm $ci from $si:$sp\\n");',
        '  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }',
        '  if (has_totag()) {',
        '    if (loose_route()) { t_relay(); exit; }',
        '    if (is_method("ACK")) { if (t_check_trans()) t_relay(); exit; }',
        '    sl_send_reply("404", "Not here");',
        '    exit;',
        '  }',
        '  if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }',
        '  record_route();',
        `  $du = "sip:${o.target}";`,
        '  t_relay();',
        '}',
        'onreply_route {',
        '  xlog("L_NOTICE", "cc-lab reply $rs $rm $ci from $si:$sp\\n");',
        '}',
        '',
      ].join('\n'),
    );
    const proc = lab.spawn('kamailio', ['-f', cfg, '-DD', '-E', '-m', '32', '-M', '4', '-P', join(dir, 'kamailio.pid'), '-Y', dir, '-w', dir]);
    const output: string[] = [];
    proc.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
    proc.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    const k = new Kamailio(proc, o.address, o.port, output);
    await until('kamailio listening', () => output.join('').includes('probe_max_receive_buffer') || proc.exitCode !== null, 15_000);
    if (proc.exitCode !== null) throw new Error(`kamailio exited (${proc.exitCode}): ${output.join('')}`);
    return k;
  }

  /** The requests it relayed for a Call-ID, in order, as `METHOD from address`. */
  requests(callId: string): string[] {
    const out: string[] = [];
    for (const m of this.output.join('').matchAll(/cc-lab request (\S+) (\S+) from ([\d.]+):\d+/g)) if (m[2] === callId) out.push(`${m[1]} from ${m[3]}`);
    return out;
  }

  async stop(): Promise<void> {
    await stopChild(this.proc, 5000);
  }
}
