// Fault soak of the market-code export: see test/support/soak.ts.
import { cloudOf } from '../../scripts/emulator/cloud-envs';
import { marketCodeStateOf } from '../../scripts/emulator/modules/marketcode';
import { loadBundle, type Main } from '../support/bundles';
import { SERVICE_ACCOUNT, useAccount } from '../support/emulator';
import { setEnv } from '../support/env';
import { classify, expectClean, faultsOff, faultsOn, newTally, report, SOAK_SEED, watched, useSoakEmulator } from '../support/soak';

const current = useSoakEmulator();

it('exportCodePackage: apply, export; the re-run is the same calls (the isv_application_id keeps the application one)', async () => {
  const tally = newTally('exportCodePackage');
  const runs = Number(process.env['SOAK_EXPORT_RUNS'] ?? 80);
  const env = 'brand-env-4d5e6f';
  for (let run = 0; run < runs; run++) {
    const emulator = current();
    emulator.reset();
    useAccount(emulator, SERVICE_ACCOUNT.appid, SERVICE_ACCOUNT.secret);
    setEnv({ WXOPEN_MARKETCODE_KEY: SERVICE_ACCOUNT.marketcodeKey });
    const [apply, exportPackage] = [watched(tally, loadBundle('applyCode')), watched(tally, loadBundle('exportCodePackage'))] as [Main, Main];
    const request = { code_count: 10000, isv_application_id: `soak-${run}` };
    faultsOn(emulator, SOAK_SEED * 7 + run);
    let answer = await apply(request);
    if (answer['errcode'] === 0) answer = await exportPackage({ application_id: answer['application_id'], env });
    faultsOff(emulator, tally);
    classify(tally, answer['errcode'] === 0 && answer['export_status'] !== 'done' ? { ...answer, errcode: -2, category: 'busy', hint: 'pending' } : answer);
    let again = await apply(request);
    for (let attempt = 0; attempt < 3 && again['errcode'] === 0 && again['export_status'] !== 'done'; attempt++) {
      again = await exportPackage({ application_id: again['application_id'], env });
    }
    const state = marketCodeStateOf(emulator);
    const application = [...state.applications.values()][0];
    const files = cloudOf(emulator).storage.list(env).filter((path) => path.startsWith('marketcode/'));
    const stored = application === undefined || files[0] === undefined ? undefined : cloudOf(emulator).storage.get(env, files[0])?.bytes.toString('utf8');
    if (again['errcode'] !== 0 || again['export_status'] !== 'done' || application === undefined || stored !== state.plaintextOf(application, 0, 9999)) {
      tally.unfinished++;
      tally.failures.push(`run ${run}: ${JSON.stringify(again).slice(0, 300)}`);
    }
    if (state.applications.size !== 1 || files.length !== 1) tally.duplicates++;
  }
  report(tally);
  expectClean(tally);
}, 240_000);
