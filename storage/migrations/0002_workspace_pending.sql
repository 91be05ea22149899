-- A group the bot was added to (or asked to /setup) that is not ready yet: not a forum, or
-- the bot lacks rights. It has a row so the bot can tell the group what is missing through
-- the durable queue; it becomes 'active' once /setup passes every check.
ALTER TABLE workspaces DROP CONSTRAINT workspaces_state_check;
ALTER TABLE workspaces ADD CONSTRAINT workspaces_state_check
    CHECK (state IN ('pending', 'active', 'detached'));
