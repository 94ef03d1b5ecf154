export { renderKustomization, parseManifests, type KubeObject } from './render.js';
export { schemaProblems } from './schema.js';
export { podProblems, podSpecOf } from './pod-checks.js';
export { allowedEdges, availabilityProblems, inlineKeyProblems } from './cluster-checks.js';
export { manifestProblems } from './manifest-problems.js';
