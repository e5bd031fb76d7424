// expect: js.process-internals
process?.binding?.('spawn_sync');
