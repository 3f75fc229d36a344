/**
 * The charts the CLI writes (--svg, --timeline, --tornado, --memory-svg): each file is the library's
 * chart of the same result the command's --json gives (the UI draws its pages with the same functions),
 * the JSON names the file, and a path that cannot be written fails cleanly, leaving nothing behind.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildVsBuyTornadoSvg,
  chipHourSvg,
  costWaterfallSvg,
  estimateRooflineSvg,
  estimateTimelineSvg,
  getChipPreset,
  goodputSvg,
  memoryPerChipSvg,
  splitChipHour,
  stepTimeSvg,
  supplySharesSvg,
  type TrainingStep,
} from '../src/index.js';
import { tpusim } from './cli-helper.js';

/** Runs with --json, expecting exit code `code`; returns the JSON. */
async function json(code: number, ...argv: string[]): Promise<Record<string, any>> {
  const r = await tpusim(...argv, '--json');
  expect(r.code, r.err).toBe(code);
  return JSON.parse(r.out);
}

const folder = (): string => mkdtempSync(join(tmpdir(), 'tpusim-charts-'));
const read = (path: string): string => readFileSync(path, 'utf8');

describe('tpusim estimate --svg --timeline', () => {
  it('writes the roofline and the layer timeline of the estimate, and names both', async () => {
    const dir = folder();
    const [roofline, timeline] = [join(dir, 'roofline.svg'), join(dir, 'sub', 'timeline.svg')];
    const e = await json(0, 'estimate', 'resnet50', '--chip', 'tpu-v4', '--svg', roofline, '--timeline', timeline);
    expect(e['svg']).toBe(roofline);
    expect(e['timeline']).toBe(timeline);
    expect(read(roofline)).toBe(estimateRooflineSvg(e as never, getChipPreset('tpu-v4').offChipMemory));
    expect(read(timeline)).toBe(estimateTimelineSvg(e as never));
    const text = await tpusim('estimate', 'resnet50', '--chip', 'tpu-v4', '--timeline', join(dir, 'again.svg'));
    expect(text.out).toContain(`wrote ${join(dir, 'again.svg')}`);
    expect(read(join(dir, 'again.svg'))).toBe(read(timeline));
  });
});

describe('tpusim cost --svg', () => {
  it('writes the cost waterfall per chip', async () => {
    const path = join(folder(), 'cost.svg');
    const c = await json(0, 'cost', '--chip', 'h100-sxm', '--volume', '1000000', '--svg', path);
    expect(c['svg']).toBe(path);
    expect(read(path)).toBe(costWaterfallSvg(c as never));
  });
});

describe('tpusim tco --svg --tornado', () => {
  it('writes the cost of a chip-hour by part and the build-vs-buy tornado', async () => {
    const dir = folder();
    const [svg, tornado] = [join(dir, 'tco.svg'), join(dir, 'tornado.svg')];
    const t = await json(
      0,
      'tco',
      '--chip',
      'tpu-v4',
      '--workload',
      'resnet50',
      '--vs',
      'a100',
      '--svg',
      svg,
      '--tornado',
      tornado,
    );
    expect(t['svg']).toBe(svg);
    expect(t['tornadoSvg']).toBe(tornado);
    expect(read(svg)).toBe(chipHourSvg({ chip: t['chip'], years: t['years'], perChipHour: splitChipHour(t['tco']) }));
    expect(read(tornado)).toBe(buildVsBuyTornadoSvg(t as never));
  });

  it('draws a tornado only against a GPU', async () => {
    const path = join(folder(), 'tornado.svg');
    const r = await tpusim('tco', '--chip', 'tpu-v4', '--workload', 'resnet50', '--tornado', path);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--tornado draws build vs buy: it needs --vs GPU/);
    expect(existsSync(path)).toBe(false);
  });
});

describe('tpusim fab --svg', () => {
  it('writes the share of world supply at each volume', async () => {
    const path = join(folder(), 'fab.svg');
    const f = await json(0, 'fab', '--chip', 'h100-sxm', '--svg', path);
    expect(f['svg']).toBe(path);
    expect(read(path)).toBe(supplySharesSvg(f['chip'], f['plans']));
  });
});

describe('tpusim train --svg --memory-svg', () => {
  const charts = (t: Record<string, any>): [string, string] => {
    const step = t as unknown as TrainingStep;
    const context = { model: t['model'], chip: t['chip'], chips: t['chips'] };
    return [stepTimeSvg(context, step), memoryPerChipSvg(context, step)];
  };

  it('writes the step time by part and the memory per chip of the plan evaluated', async () => {
    const dir = folder();
    const [svg, memory] = [join(dir, 'step.svg'), join(dir, 'memory.svg')];
    const t = await json(
      0,
      'train',
      'llama3-70b',
      '--system',
      'dgx-h100',
      '--chips',
      '1024',
      '--tp',
      '8',
      '--pp',
      '4',
      '--dp',
      '32',
      '--svg',
      svg,
      '--memory-svg',
      memory,
    );
    expect(t['svg']).toBe(svg);
    expect(t['memorySvg']).toBe(memory);
    expect([read(svg), read(memory)]).toEqual(charts(t));
  });

  it("draws the best plan's when it searches", async () => {
    const path = join(folder(), 'best.svg');
    const t = await json(0, 'train', 'llama3-8b', '--chip', 'h100-sxm', '--chips', '64', '--top', '3', '--svg', path);
    expect(t['search'].best[0].plan).toEqual(t['plan']);
    expect(read(path)).toBe(charts(t)[0]);
  });
});

describe('tpusim reliability --svg', () => {
  it('writes the goodput against the chip count', async () => {
    const path = join(folder(), 'goodput.svg');
    const r = await json(0, 'reliability', '--chips', '1e3,1e4,1e5', '--checkpoint', '30', '--svg', path);
    expect(r['svg']).toBe(path);
    expect(read(path)).toBe(goodputSvg({ points: r['points'], checkpointS: 30, restartS: r['restartS'] }));
  });
});

describe('chart paths that cannot be written', () => {
  it('fail with the path and why, and leave no file behind', async () => {
    const dir = folder();
    mkdirSync(join(dir, 'a-folder'));
    writeFileSync(join(dir, 'a-file'), 'not a folder');
    const good = join(dir, 'tco.svg');
    const folderInWay = await tpusim(
      'tco',
      '--chip',
      'tpu-v4',
      '--workload',
      'resnet50',
      '--vs',
      'a100',
      '--svg',
      good,
      '--tornado',
      join(dir, 'a-folder'),
    );
    expect(folderInWay.code).toBe(1);
    expect(folderInWay.err).toContain(`could not write output '${join(dir, 'a-folder')}': it is a folder`);
    const fileInWay = await tpusim(
      'train',
      'llama3-8b',
      '--chip',
      'h100-sxm',
      '--chips',
      '64',
      '--tp',
      '8',
      '--pp',
      '1',
      '--dp',
      '8',
      '--svg',
      good,
      '--memory-svg',
      join(dir, 'a-file', 'memory.svg'),
    );
    expect(fileInWay.code).toBe(1);
    expect(fileInWay.err).toContain(`'${join(dir, 'a-file')}' is a file, not a folder`);
    expect(fileInWay.err).not.toMatch(/\n\s+at /);
    expect(readdirSync(dir).sort()).toEqual(['a-file', 'a-folder']);
    expect(readdirSync(join(dir, 'a-folder'))).toEqual([]);
  });

  it('refuse an empty path and two options naming one file', async () => {
    const empty = await tpusim('fab', '--chip', 'tpu-v4', '--svg', '');
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/--svg needs a file path/);
    const path = join(folder(), 'same.svg');
    const twice = await tpusim('estimate', 'resnet50', '--chip', 'tpu-v4', '--svg', path, '--timeline', path);
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/--svg and --timeline both name/);
    expect(existsSync(path)).toBe(false);
  });
});

describe('the chart options', () => {
  it("are named in each command's help", async () => {
    const helps: Array<[string, RegExp]> = [
      ['estimate', /--timeline timeline\.svg/],
      ['cost', /--svg waterfall\.svg/],
      ['tco', /--tornado tornado\.svg/],
      ['fab', /--svg supply\.svg/],
      ['train', /--memory-svg memory\.svg/],
      ['reliability', /--svg goodput\.svg/],
    ];
    for (const [command, option] of helps) expect((await tpusim(command, '--help')).out).toMatch(option);
  });
});
