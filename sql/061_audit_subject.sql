-- Who acted, as the identity provider knows them: the audit keeps the subject (the
-- provider's `sub`, `token:<name>` for a static token, `display:<link>` for a wall screen)
-- beside the name, since a name can change or be reused and a subject cannot.
ALTER TABLE supervisor_audit ADD COLUMN IF NOT EXISTS subject String DEFAULT '' AFTER actor;
