-- Chat templates: one row per template (scope, current version, soft delete) and its versions,
-- which are never changed: every edit inserts the next one (chats pin a version).

CREATE TABLE templates (
  id text PRIMARY KEY,
  -- The project it was created in. A platform template keeps it for the record; every project
  -- reads platform templates.
  project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  scope text NOT NULL CHECK (scope IN ('platform', 'project', 'workspace')),
  -- A workspace template goes with its workspace.
  workspace_id text REFERENCES workspaces(id) ON DELETE CASCADE,
  -- The current version's name, here for the uniqueness of live names.
  name text NOT NULL,
  current_version integer NOT NULL CHECK (current_version >= 1),
  created_by text REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  CHECK ((scope = 'workspace') = (workspace_id IS NOT NULL))
);
-- Live names are unique within their scope: platform-wide, per project, per workspace.
CREATE UNIQUE INDEX templates_platform_name ON templates (name)
  WHERE scope = 'platform' AND deleted_at IS NULL;
CREATE UNIQUE INDEX templates_project_name ON templates (project_id, name)
  WHERE scope = 'project' AND deleted_at IS NULL;
CREATE UNIQUE INDEX templates_workspace_name ON templates (workspace_id, name)
  WHERE scope = 'workspace' AND deleted_at IS NULL;
CREATE INDEX templates_project_idx ON templates (project_id, name) WHERE deleted_at IS NULL;

CREATE TABLE template_versions (
  template_id text NOT NULL REFERENCES templates(id) ON DELETE CASCADE,
  version integer NOT NULL CHECK (version >= 1),
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  system_prompt text NOT NULL DEFAULT '',
  allowed_tools text[] NOT NULL DEFAULT '{}',
  approval_policy text NOT NULL CHECK (approval_policy IN ('standard', 'elevated', 'restricted')),
  applicable_workspace_types text[] NOT NULL DEFAULT '{}',
  tags text[] NOT NULL DEFAULT '{}',
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_by text REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (template_id, version)
);

-- A version is what a chat was started with: it never changes once written. The one update let
-- through is the foreign key's own (created_by set to NULL when its user is deleted); deleting
-- is left to the cascades of a deleted workspace or project.
CREATE FUNCTION template_versions_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.created_by IS NULL AND (to_jsonb(NEW) - 'created_by') = (to_jsonb(OLD) - 'created_by') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'template_versions rows are immutable: UPDATE refused' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER template_versions_no_update BEFORE UPDATE ON template_versions
  FOR EACH ROW EXECUTE FUNCTION template_versions_refuse_update();
