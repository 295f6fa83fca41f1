-- History reads "the last change at or before start, then every change up
-- to end" per entity and Prune deletes by time: index both.
DROP INDEX states_entity;
CREATE INDEX states_entity_time ON states(entity_id, last_updated);
CREATE INDEX states_time ON states(last_updated);
