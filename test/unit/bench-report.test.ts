import { formatTable, judge, summary, type Row } from '../../scripts/bench/report';

const SECTION = '1 cold start';
const bare = { name: 'node -e 0', value: 50, unit: 'ms' as const };

function wall(id: string, ours: number, floor?: number): Row {
  return {
    id,
    section: SECTION,
    label: id,
    ours: { value: ours, unit: 'ms' },
    peer: bare,
    target: { of: 'ratio', op: '<=', value: 1.3 },
    ...(floor === undefined ? {} : { floor: { name: 'the same requests raw', value: floor, unit: 'ms' as const } }),
  };
}

describe('bench report: misses ours to close, and misses out of reach for any implementation', () => {
  it('judges the ratio against the target, and a miss against its floor', () => {
    expect(judge(wall('met', 60, 58))).toMatchObject({ ratio: 1.2, met: true, floorRatio: 1.16 });
    expect(judge(wall('met', 60, 58)).reachable).toBeUndefined();
    // The floor meets the target: the miss is ours.
    expect(judge(wall('ours', 70, 60))).toMatchObject({ met: false, reachable: true });
    // The floor misses too: no client could meet it.
    expect(judge(wall('floor', 85, 70))).toMatchObject({ met: false, reachable: false, floorRatio: 1.4 });
    // No floor measured: a plain miss.
    expect(judge(wall('plain', 70)).reachable).toBeUndefined();
  });

  it('works for higher-is-better targets (a gateway against a bare proxy)', () => {
    const row: Row = {
      id: 'gateway.rps',
      section: '6 gateway',
      label: 'through the gateway',
      ours: { value: 2500, unit: 'req/s' },
      peer: { name: 'the emulator directly', value: 10_000, unit: 'req/s' },
      target: { of: 'ratio', op: '>=', value: 0.5 },
      floor: { name: 'a bare proxy', value: 3200, unit: 'req/s' },
    };
    expect(judge(row)).toMatchObject({ met: false, reachable: false, floorRatio: 0.32 });
    expect(judge({ ...row, floor: { ...row.floor!, value: 6000 } })).toMatchObject({ met: false, reachable: true });
  });

  it('takes the ratios of side-by-side samples from their pairs, the floor\'s too', () => {
    // The figures alone (100 ms, against the peer's 50) would give 2.0x for both; run by run, ours is 1.3x and the floor 1.2x of the peer.
    const row: Row = {
      ...wall('paired', 100, 100),
      pairs: [[65, 50], [100, 77], [130, 100]],
      floorPairs: [[60, 50], [92, 77], [120, 100]],
    };
    const judged = judge(row);
    expect(judged.ratio).toBeCloseTo(1.3, 2);
    expect(judged.floorRatio).toBeCloseTo(1.2, 2);
    expect(judged).toMatchObject({ met: true });
    expect(judge({ ...row, target: { of: 'ratio', op: '<=', value: 1.1 } })).toMatchObject({ met: false, reachable: false });
  });

  it('marks each kind of miss in the table and sorts them in the summary', () => {
    const rows = [wall('met', 60, 58), wall('ours', 70, 60), wall('floor', 85, 70), wall('plain', 70)].map(judge);
    const table = formatTable(rows);
    expect(table).toMatch(/ floor .* MISS, out of reach: floor 1\.40x/);
    expect(table).toMatch(/ ours .* MISS\n/);
    expect(summary(rows)).toEqual([
      '3 of 4 judged rows MISS their target',
      '  2 to close: ours, plain',
      '  1 out of reach for any implementation (the floor measured in this run misses the target too): floor',
    ]);
    expect(summary([judge(wall('met', 60))])).toEqual(['all 1 judged rows meet their target']);
  });
});
