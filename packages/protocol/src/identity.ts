import { z } from 'zod';
import { Timestamp } from './common';

export const ProjectRole = z.enum(['owner', 'member']);
export type ProjectRole = z.infer<typeof ProjectRole>;

export const Email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((s) => s.toLowerCase());

/** Passwords: long enough to matter, short enough that hashing stays cheap to refuse. */
export const Password = z.string().min(10, 'must be at least 10 characters').max(256);

export const User = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  is_admin: z.boolean(),
  must_change_password: z.boolean(),
  created_at: Timestamp,
});
export type User = z.infer<typeof User>;

export const Project = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  created_at: Timestamp,
});
export type Project = z.infer<typeof Project>;

export const SessionProject = Project.extend({ role: ProjectRole.nullable() });
export type SessionProject = z.infer<typeof SessionProject>;

/** Sign-in takes any e-mail-shaped string (`admin@localhost` included); accounts are matched case-insensitively. */
export const LoginRequest = z.object({
  email: z.string().trim().min(3).max(254),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const SessionInfo = z.object({
  user: User,
  projects: z.array(SessionProject),
  active_project_id: z.string().nullable(),
  csrf_token: z.string(),
  expires_at: Timestamp,
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const SwitchProjectRequest = z.object({ project_id: z.string().min(1).max(64) });

export const ChangePasswordRequest = z.object({
  current_password: z.string().min(1).max(256),
  new_password: Password,
});

export const AcceptInvitationRequest = z.object({
  token: z.string().min(1).max(200),
  name: z.string().trim().min(1).max(120).optional(),
  password: Password,
});

export const Member = z.object({
  user_id: z.string(),
  email: z.string(),
  name: z.string(),
  role: ProjectRole,
  joined_at: Timestamp,
});
export type Member = z.infer<typeof Member>;

export const Invitation = z.object({
  id: z.string(),
  email: z.string(),
  role: ProjectRole,
  invited_by: z.string().nullable(),
  created_at: Timestamp,
  expires_at: Timestamp,
});
export type Invitation = z.infer<typeof Invitation>;

export const AddMemberRequest = z.object({
  email: Email,
  role: ProjectRole.default('member'),
  name: z.string().trim().min(1).max(120).optional(),
  /** Admins only: create the user with this password, to be changed at first login. */
  initial_password: Password.optional(),
});
export type AddMemberRequest = z.infer<typeof AddMemberRequest>;

/** Adding a known user gives `member`; an unknown e-mail gives `invitation` with its one-time URL. */
export const AddMemberResponse = z.object({
  member: Member.nullable(),
  invitation: Invitation.nullable(),
  invite_url: z.string().nullable(),
});
export type AddMemberResponse = z.infer<typeof AddMemberResponse>;

export const SetRoleRequest = z.object({ role: ProjectRole });
