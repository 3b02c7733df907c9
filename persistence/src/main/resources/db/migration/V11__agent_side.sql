-- The agent side: at most one agent handles a conversation at a time. A takeover sets this column only
-- where it is NULL (an atomic compare-and-set across nodes); a release clears it along with human_handling.
ALTER TABLE conversations ADD COLUMN assigned_operator_id text REFERENCES operators (id) ON DELETE SET NULL;

-- The inbox lists a workspace's open conversations.
CREATE INDEX conversations_workspace_id_open ON conversations (workspace_id) WHERE state = 'open';
