// Fault soak of the setupQRCodeJump chain: see test/support/soak.ts.
import { verificationFileOf } from '../../scripts/emulator/accounts';
import { DEMO_ENVS } from '../../scripts/emulator/cloud-envs';
import { hostingDomainOf } from '../../scripts/emulator/static-sites';
import { loadBundle } from '../support/bundles';
import { MINI_PROGRAM, useAccount } from '../support/emulator';
import { setEnv } from '../support/env';
import { classify, executed, expectClean, faultsOff, faultsOn, newTally, report, SOAK_SEED, type Answer, watched, useSoakEmulator } from '../support/soak';

const ENV = DEMO_ENVS[0]!;
const PREFIX = `https://${hostingDomainOf(ENV)}/qr/`;

const current = useSoakEmulator();

it('setupQRCodeJump with publish: the re-run is the same call', async () => {
  const tally = newTally('setupQRCodeJump');
  const runs = Number(process.env['SOAK_CHAIN_RUNS'] ?? 110);
  const file = verificationFileOf(MINI_PROGRAM.appid);
  for (let run = 0; run < runs; run++) {
    const emulator = current();
    emulator.reset();
    useAccount(emulator, MINI_PROGRAM.appid, MINI_PROGRAM.secret);
    setEnv({ WXOPEN_COMPONENT_ACCESS_TOKEN: emulator.tokens.issue(MINI_PROGRAM.appid, 'component', 86400).value });
    const setup = watched(tally, loadBundle('setupQRCodeJump'));
    const input = { env: ENV.envId, prefix: PREFIX, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, publish: true };
    faultsOn(emulator, SOAK_SEED * 3 + run);
    const answer = await setup(input);
    faultsOff(emulator, tally);
    classify(tally, answer);
    // A refused fixed component token is replaced by its owner (the hint says so), then the re-run.
    if (answer['errcode'] === 990012) setEnv({ WXOPEN_COMPONENT_ACCESS_TOKEN: emulator.tokens.issue(MINI_PROGRAM.appid, 'component', 86400).value });
    const again = await setup(input);
    if (again['errcode'] !== 0 || again['state'] !== 2) {
      tally.unfinished++;
      tally.failures.push(`run ${run}: ${JSON.stringify(again).slice(0, 300)}`);
    }
    const listed = await watched(tally, loadBundle('getJumpQRCode'))({});
    const served = await fetch(`${emulator.url}/__hosting/${ENV.envId}/qr/${file.file_name}`);
    if ((await served.text()) !== file.file_content) tally.failures.push(`run ${run}: verification file not served`);
    if (executed(emulator, 'cgi-bin/wxopen/qrcodejumpadd') > 2 || executed(emulator, 'cgi-bin/wxopen/qrcodejumppublish') !== 1 || listed['qrcodejump_pub_quota'] !== 99 || (listed['rule_list'] as unknown[]).length !== 1) tally.duplicates++;
  }
  report(tally);
  expectClean(tally);
}, 240_000);
