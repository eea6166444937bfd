#!/usr/bin/env node
// The monorepo has no build step: load the TypeScript sources through tsx's ESM loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
