// Fault soak of the QR-rule operations: see test/support/soak.ts.
import { loadBundle, type Main } from '../support/bundles';
import { MINI_PROGRAM, useAccount } from '../support/emulator';
import { classify, executed, expectClean, faultsOff, faultsOn, newTally, report, SOAK_SEED, type Answer, watched, useSoakEmulator } from '../support/soak';

const current = useSoakEmulator();

it('QR-rule operations: add then publish; the re-run checks the list before it adds or publishes', async () => {
  const tally = newTally('QR-rule operations');
  const runs = Number(process.env['SOAK_RULE_RUNS'] ?? 110);
  for (let run = 0; run < runs; run++) {
    const emulator = current();
    emulator.reset();
    useAccount(emulator, MINI_PROGRAM.appid, MINI_PROGRAM.secret);
    const [add, publish, list] = [watched(tally, loadBundle('addJumpQRCode')), watched(tally, loadBundle('publishJumpQRCode')), watched(tally, loadBundle('getJumpQRCode'))] as [Main, Main, Main];
    const prefix = `https://shop.example.com/run${run}/`;
    const rule = { prefix, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, is_edit: 0 };
    faultsOn(emulator, SOAK_SEED + run);
    let answer = await add(rule);
    if (answer['errcode'] === 0) answer = await publish({ prefix });
    faultsOff(emulator, tally);
    classify(tally, answer);
    // The re-run, as the README says: look first (an add or publish may have happened unanswered).
    const listed = await list({});
    const found = ((listed['rule_list'] ?? []) as Answer[]).find((entry) => entry['prefix'] === prefix);
    let recovered = listed;
    if (listed['errcode'] === 0 && found === undefined) recovered = await add(rule);
    if (recovered['errcode'] === 0 && found?.['state'] !== 2) recovered = await publish({ prefix });
    const final = await list({});
    const finalRule = ((final['rule_list'] ?? []) as Answer[]).find((entry) => entry['prefix'] === prefix);
    if (recovered['errcode'] !== 0 || finalRule?.['state'] !== 2) {
      tally.unfinished++;
      tally.failures.push(`run ${run}: ${JSON.stringify(recovered).slice(0, 200)}`);
    }
    if (executed(emulator, 'cgi-bin/wxopen/qrcodejumpadd') !== 1 || executed(emulator, 'cgi-bin/wxopen/qrcodejumppublish') !== 1 || final['qrcodejump_pub_quota'] !== 99) tally.duplicates++;
  }
  report(tally);
  expectClean(tally);
}, 240_000);
