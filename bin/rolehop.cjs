#!/usr/bin/env node
'use strict';
// Cache V8 compilations of the bundle between runs: start-up is the budget on the warm path.
try {
  require('node:module').enableCompileCache?.();
} catch {}
require('../dist/cli.cjs');
