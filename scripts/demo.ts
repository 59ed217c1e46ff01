/**
 * `npm run demo`: the whole lifecycle against the embedded GitHub simulator.
 */
console.log("oras-advisory-bot demo: the embedded GitHub simulator is not part of this build yet.");
console.log("Nothing to show; `npm test` checks what exists.");
