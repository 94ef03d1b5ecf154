#!/usr/bin/env node
// A committed shim so pnpm can link the bin before the package is built; the code lives in dist/.
import '../dist/main.js';
