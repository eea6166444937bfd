import { Command } from 'commander';
import type { MakeDeps } from '../../deps';
import * as delegationsGrant from './delegations/grant';
import * as delegationsList from './delegations/list';
import * as delegationsRevoke from './delegations/revoke';
import * as invitationsList from './invitations/list';
import * as invitationsRevoke from './invitations/revoke';
import * as membersAdd from './members/add';
import * as membersList from './members/list';
import * as membersRemove from './members/remove';
import * as membersSetRole from './members/set-role';

export function projectCommand(make: MakeDeps): Command {
  const members = new Command('members')
    .description('List, add, re-role and remove project members')
    .addCommand(membersList.command(make))
    .addCommand(membersAdd.command(make))
    .addCommand(membersSetRole.command(make))
    .addCommand(membersRemove.command(make));
  const invitations = new Command('invitations')
    .description('Pending invitations of people without an account')
    .addCommand(invitationsList.command(make))
    .addCommand(invitationsRevoke.command(make));
  const delegations = new Command('delegations')
    .description('Approval authority owners grant members for one risk tier')
    .addCommand(delegationsList.command(make))
    .addCommand(delegationsGrant.command(make))
    .addCommand(delegationsRevoke.command(make));
  return new Command('project')
    .description('Project membership and approval delegations')
    .addCommand(members)
    .addCommand(invitations)
    .addCommand(delegations);
}
