import { packageVersion } from '../common/version.js';

export const AGENT_VERSION = packageVersion();
