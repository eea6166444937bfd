import { Command } from 'commander';
import type { MakeDeps } from '../../deps';
import * as login from './login';
import * as whoami from './whoami';

export function authCommand(make: MakeDeps): Command {
  return new Command('auth')
    .description('Sign in and inspect the current identity')
    .addCommand(login.command(make))
    .addCommand(whoami.command(make));
}
