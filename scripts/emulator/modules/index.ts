import type { EmulatorModule } from '../server';
import { adminModule } from './admin';
import { cloudStorageDownloadModule } from './cloud-storage-download';
import { cloudStorageUploadModule } from './cloud-storage-upload';
import { cloudbaseDatabaseModule } from './cloudbase-database';
import { componentModule } from './component';
import { emulatorConsoleModule } from './emulator-console';
import { marketCodeModule } from './marketcode';
import { qrcodeJumpModule } from './qrcode-jump';
import { staticHostingApiModule } from './static-hosting-api';
import { staticHostingServeModule } from './static-hosting-serve';
import { tokenModule } from './tokens';

/** Every endpoint family the emulator serves. A new family: one file in this folder, one line here. */
export const DEFAULT_MODULES: readonly EmulatorModule[] = [adminModule, tokenModule, qrcodeJumpModule, cloudStorageDownloadModule, cloudStorageUploadModule, staticHostingApiModule, staticHostingServeModule, marketCodeModule, cloudbaseDatabaseModule, componentModule, emulatorConsoleModule];
