CREATE TABLE `search_index_deferral` (
	`after_rowid` integer NOT NULL
);
