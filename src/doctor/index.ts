/** The doctor: checks an App's installations and says what to fix. */
export {
  type AccessLevel,
  type AppManifest,
  type NeededEvent,
  type NeededPermission,
  parseManifest,
  readManifest,
} from "./manifest.js";
export { type DoctorReport, type Finding, type FindingStatus, renderTable, STATUS_SYMBOL } from "./report.js";
export { DEFAULT_BASE_URL, type DoctorOptions, runDoctor } from "./run.js";
