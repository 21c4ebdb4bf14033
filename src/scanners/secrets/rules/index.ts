import type { Detector } from '../detector.js';
import { aiDetectors } from './ai.js';
import { awsDetectors } from './aws.js';
import { azureDetectors } from './azure.js';
import { chatDetectors } from './chat.js';
import { cloudDetectors } from './cloud.js';
import { devtoolDetectors } from './devtools.js';
import { gcpDetectors } from './gcp.js';
import { genericDetectors } from './generic.js';
import { githubDetectors } from './github.js';
import { gitlabDetectors } from './gitlab.js';
import { keyDetectors } from './keys.js';
import { messagingDetectors } from './messaging.js';
import { monitoringDetectors } from './monitoring.js';
import { passwordDetectors } from './passwords.js';
import { paymentDetectors } from './payments.js';
import { registryDetectors } from './registries.js';
import { secretManagerDetectors } from './secret-managers.js';
import { atlassianDetectors } from './atlassian.js';
import { urlDetectors } from './urls.js';

/** Every secret detector, provider by provider; adding one is an entry in its provider's module. */
export const DETECTORS: readonly Detector[] = [
  ...awsDetectors,
  ...gcpDetectors,
  ...azureDetectors,
  ...githubDetectors,
  ...gitlabDetectors,
  ...atlassianDetectors,
  ...registryDetectors,
  ...chatDetectors,
  ...paymentDetectors,
  ...messagingDetectors,
  ...aiDetectors,
  ...monitoringDetectors,
  ...cloudDetectors,
  ...devtoolDetectors,
  ...secretManagerDetectors,
  ...keyDetectors,
  ...urlDetectors,
  ...passwordDetectors,
  ...genericDetectors,
];
