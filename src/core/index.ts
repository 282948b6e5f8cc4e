// The core layer's public API: the task file and its plan, the run's vocabulary, the
// scheduler, globs, and the Event/Disposable shapes every layer above builds on. Every
// other layer imports core through here.
