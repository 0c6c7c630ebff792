/**
 * The dashboard chart's samples on disk (`<data dir>/last-hour.json`), so a restart shows the
 * hour before it instead of an empty chart. Written whole beside the old file and renamed
 * over it; a missing or damaged file is an empty chart, never a failed start.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { DashboardHistory } from './history.js';

const Sample = z.object({ t: z.number(), calls_waiting: z.number(), active_calls: z.number(), idle_agents: z.number(), service_level: z.number().nullable() });
const Saved = z.record(z.string(), z.array(Sample));

/** Puts the saved samples back; says why when the file cannot be used. */
export async function loadChartSamples(file: string, history: DashboardHistory, now: number, say: (line: string) => void): Promise<void> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') say(`dashboard chart: ${file} not read (${e.message}); the last hour starts empty`);
    return null;
  });
  if (text === null) return;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return say(`dashboard chart: ${file} is damaged (${(e as Error).message}); the last hour starts empty`);
  }
  const saved = Saved.safeParse(json);
  if (!saved.success) return say(`dashboard chart: ${file} is not a list of samples; the last hour starts empty`);
  history.restore(saved.data, now);
}

export async function saveChartSamples(file: string, history: DashboardHistory): Promise<void> {
  const next = `${file}.next`;
  await writeFile(next, JSON.stringify(history.save()));
  await rename(next, file);
}
