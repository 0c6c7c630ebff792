/**
 * The documentation stays true to the code: every metric docs/metrics.md names is exported
 * by /metrics, and every cc_* metric /metrics exports is named there; every link of the
 * README and of docs/ resolves to a file of the repository (and a heading of it); no file
 * of the repository points a reader outside it. (Every operation of the OpenAPI document
 * has its row in docs/api.md, with its role: test/e2e/roles.test.ts.)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../support/engine.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

describe('docs/metrics.md and /metrics', () => {
  let t: TestEngine;
  beforeAll(async () => {
    // With the SIP edge on (loopback, any port), so its series are exported too.
    t = await startTestEngine({
      config: {
        queues: [{ id: 'sales-queue', numbers: ['100'] }],
        agents: [{ id: 'agent-001', queues: ['sales-queue'] }],
        sip: { listen: '127.0.0.1:0', rtp: { ports: [43000, 43099] } },
      },
    });
  });
  afterAll(async () => t?.stop());

  it('name the same cc_* metrics', async () => {
    const text = await (await t.req('/metrics', { as: null })).text();
    const exported = new Set([...text.matchAll(/^# TYPE (cc_[a-z0-9_]+) /gm)].map((m) => m[1]!));
    // Recording rules (queue:cc_…:ratio30m) are Prometheus's, not the engine's: not metrics.
    const documented = new Set([...read('docs/metrics.md').matchAll(/(?<![\w:])cc_[a-z0-9_]+/g)].map((m) => m[0]));
    expect([...documented].filter((m) => !exported.has(m)).sort(), 'named in docs/metrics.md, not exported').toEqual([]);
    expect([...exported].filter((m) => !documented.has(m)).sort(), 'exported, not named in docs/metrics.md').toEqual([]);
  });
});

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

function anchorsOf(path: string): Set<string> {
  const text = read(path).replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
}

describe('links of the README and docs/', () => {
  it.each(PAGES)('%s: every link resolves to a file (and heading) of the repository', (page) => {
    const text = read(page).replace(/```[\s\S]*?```/g, '');
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!)) continue; // http(s), mailto: not ours to check here
      const [file, anchor] = target!.split('#') as [string, string | undefined];
      const path = file === '' ? page : relative(ROOT, resolve(dirname(join(ROOT, page)), file));
      if (path.startsWith('..') || !existsSync(join(ROOT, path))) broken.push(`${target}: no file ${path}`);
      else if (anchor !== undefined && !(path.endsWith('.md') && anchorsOf(path).has(anchor))) broken.push(`${target}: no heading #${anchor} in ${path}`);
    }
    expect(broken).toEqual([]);
  });
});

/** The repository's own text files (not installed, built or generated ones). */
function* repositoryFiles(dir = ''): Generator<string> {
  const skip = new Set(['node_modules', '.git', 'data', 'test-output', 'dist', '.bench', 'scratch', 'tmp-dbg']);
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = dir === '' ? name : `${dir}/${name}`;
    if (skip.has(name)) continue;
    const st = statSync(join(ROOT, path));
    if (st.isDirectory()) yield* repositoryFiles(path);
    else if (st.size < 2_000_000 && /\.(ts|js|mjs|json|md|sql|ya?ml|sh|conf|txt|html|css|tsv)$|^(Dockerfile|run)$/.test(name)) yield path;
  }
}

describe('the repository stands alone', () => {
  it("no file points a reader to the team's design folder, or to a design document it does not hold", () => {
    // Written in pieces so that this file does not name what it looks for.
    const outside = [['..', 'shared', ''].join('/'), ['', 'work', 'shared'].join('/')];
    const found: string[] = [];
    for (const path of repositoryFiles()) {
      const text = readFileSync(join(ROOT, path), 'utf8');
      for (const o of outside) if (text.includes(o)) found.push(`${path}: ${o}`);
      // A page named in capitals (the team's design pages were) must be one the repository holds: its own are docs/*.md.
      for (const [name] of text.matchAll(/\b[A-Z][A-Z-]+\.md\b/g)) if (!existsSync(join(ROOT, name))) found.push(`${path}: ${name}`);
    }
    expect(found).toEqual([]);
  });
});
