// @rampart/testing/internal: helpers for this repository's own deployment tests (install a workspace package as
// its image would, start it, check no link leaves the folder). No compatibility promise.
export {
  deployWorkspacePackage,
  linksLeaving,
  startDeployed,
  workspaceRoot,
  type DeployedProcess,
  type ProcessExit,
} from './deployed-app.js';
