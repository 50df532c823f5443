-- A store made before migrations, by sourcetrace at commit efa5af6 (tables from create_all):
-- the list store (one list version, one watched portfolio) and the workspace (one account, one
-- screened job with a decision, their hash-chained audit entries). Dumped with sqlite3's iterdump.
BEGIN TRANSACTION;
CREATE TABLE api_keys (
	id INTEGER NOT NULL, 
	key_hash VARCHAR(64) NOT NULL, 
	prefix VARCHAR(16) NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	label VARCHAR(200) NOT NULL, 
	created_at VARCHAR(32) NOT NULL, 
	revoked_at VARCHAR(32), 
	PRIMARY KEY (id), 
	UNIQUE (key_hash), 
	FOREIGN KEY(username) REFERENCES users (username)
);
CREATE TABLE audit_log (
	id INTEGER NOT NULL, 
	at VARCHAR(32) NOT NULL, 
	actor VARCHAR(64) NOT NULL, 
	action VARCHAR(64) NOT NULL, 
	subject TEXT NOT NULL, 
	details TEXT NOT NULL, 
	prev_hash VARCHAR(64) NOT NULL, 
	hash VARCHAR(64) NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "audit_log" VALUES(1,'2026-11-27T04:44:25.202798Z','system','user.add','user:ana','{"role":"analyst"}','0000000000000000000000000000000000000000000000000000000000000000','c90aa51f15a7cf635d2deba73115044a0fcdcc82bf230d85b882b9e76fdb2803');
INSERT INTO "audit_log" VALUES(2,'2026-11-27T04:44:26.183181Z','ana','job.create','job:1','{"algorithm":"sourcetrace-names-v2","counts":{"clear":1,"match":1,"review":0},"file_hash":"sha256:cc","filename":"two.csv","lists":[{"name":"uflpa","version":"2026-08-10"},{"name":"cbp_wro","version":"2026-06-23"},{"name":"bis_entity_list_xinjiang","version":"2026-07-27"}],"rows":2}','c90aa51f15a7cf635d2deba73115044a0fcdcc82bf230d85b882b9e76fdb2803','7b3e4a47f0bed7896ca6b1160e8f2a501d16bc078bfe0ee7720e85fc4444f903');
INSERT INTO "audit_log" VALUES(3,'2026-11-27T04:44:26.271074Z','ana','decision','job:1','{"comment":"same USCC","decision":"confirmed","decision_id":1,"entity_hash":"sha256:537670194e360b03a61213b6b75d3c5679ad2a6deafe51b843c84bcbb5542d0b","entity_id":"uflpa-23795c8155f2","job_id":1,"name":"新疆中泰化学股份有限公司","name_key":"新疆中泰化学股份有限公司","row":1}','7b3e4a47f0bed7896ca6b1160e8f2a501d16bc078bfe0ee7720e85fc4444f903','9b78233336b23ef89e07281a7102db89bbb1d6371ca33c413a35306c32316e11');
CREATE TABLE decisions (
	id INTEGER NOT NULL, 
	name TEXT NOT NULL, 
	name_key VARCHAR(512) NOT NULL, 
	entity_id VARCHAR(255) NOT NULL, 
	entity_hash VARCHAR(71) NOT NULL, 
	decision VARCHAR(16) NOT NULL, 
	comment TEXT NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	at VARCHAR(32) NOT NULL, 
	job_id INTEGER, 
	"row" INTEGER, 
	PRIMARY KEY (id)
);
INSERT INTO "decisions" VALUES(1,'新疆中泰化学股份有限公司','新疆中泰化学股份有限公司','uflpa-23795c8155f2','sha256:537670194e360b03a61213b6b75d3c5679ad2a6deafe51b843c84bcbb5542d0b','confirmed','same USCC','ana','2026-11-27T04:44:26.268894Z',1,1);
CREATE TABLE jobs (
	id INTEGER NOT NULL, 
	filename VARCHAR(255) NOT NULL, 
	file_hash VARCHAR(71) NOT NULL, 
	created_at VARCHAR(32) NOT NULL, 
	created_by VARCHAR(64) NOT NULL, 
	algorithm VARCHAR(64) NOT NULL, 
	columns JSON NOT NULL, 
	lists JSON NOT NULL, 
	counts JSON NOT NULL, 
	results JSON NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "jobs" VALUES(1,'two.csv','sha256:cc','2026-11-27T04:44:26.179396Z','ana','sourcetrace-names-v2','{"name": "name", "address": null, "country": null, "identifier": null}','[{"name": "uflpa", "version": "2026-08-10", "path": "(bundled)", "content_hash": "sha256:b6aedeb7c92ad726620f86e0f3ff2c918ba0eb53597f376c3ddf5d016f1269b4", "entities": 187}, {"name": "cbp_wro", "version": "2026-06-23", "path": "(bundled)", "content_hash": "sha256:c255871d3df58c13b2a53c4de133acd9fa05ddab2002e0b20cd4736d067f7e0d", "entities": 61}, {"name": "bis_entity_list_xinjiang", "version": "2026-07-27", "path": "(bundled)", "content_hash": "sha256:89e5298f193e1608a1448bea0eeaf572c3d1fceb4c5cdda0529e45ca543553f5", "entities": 61}]','{"match": 1, "review": 0, "clear": 1}','[{"row": 1, "name": "\u65b0\u7586\u4e2d\u6cf0\u5316\u5b66\u80a1\u4efd\u6709\u9650\u516c\u53f8", "address": "", "country": "", "identifier": "", "decision": "match", "score": 1.0, "reasons": "trade name ''zhongtai'' agrees with listed name ''Xinjiang Zhongtai Chemical Co. Ltd.''; compared across scripts through pinyin and the glossary; industry agrees (chemical); region agrees", "signals": ["Xinjiang location in name (\u65b0\u7586\u7ef4\u543e\u5c14\u81ea\u6cbb\u533a): UFLPA presumption applies"], "hit": {"entity_id": "uflpa-23795c8155f2", "schema": "Company", "caption": "Xinjiang Zhongtai Chemical Co. Ltd.", "matched_name": "Xinjiang Zhongtai Chemical Co. Ltd.", "score": 1.0, "reasons": ["trade name ''zhongtai'' agrees with listed name ''Xinjiang Zhongtai Chemical Co. Ltd.''", "compared across scripts through pinyin and the glossary", "industry agrees (chemical)", "region agrees"], "names": [{"value": "Xinjiang Zhongtai Chemical Co. Ltd.", "kind": "name"}], "listings": [{"list_name": "UFLPA Entity List", "section": "2(d)(2)(B)(ii)", "date": "2023-06-12", "authority": "U.S. Department of Homeland Security", "source_url": "https://www.dhs.gov/uflpa-entity-list", "scope_note": "", "version": "2026-08-10"}], "countries": ["cn"], "identifiers": [], "topics": ["forced.labor"], "dataset": "uflpa", "entity_hash": "sha256:537670194e360b03a61213b6b75d3c5679ad2a6deafe51b843c84bcbb5542d0b"}}, {"row": 2, "name": "Acme Buttons GmbH", "address": "", "country": "", "identifier": "", "decision": "clear", "score": 0.0, "reasons": "no listed entity shares a distinctive name", "signals": [], "hit": null}]');
CREATE TABLE list_entities (
	version_id INTEGER NOT NULL, 
	entity_id VARCHAR(255) NOT NULL, 
	schema_name VARCHAR(64) NOT NULL, 
	data TEXT NOT NULL, 
	PRIMARY KEY (version_id, entity_id), 
	FOREIGN KEY(version_id) REFERENCES list_versions (id) ON DELETE CASCADE
);
INSERT INTO "list_entities" VALUES(1,'uflpa-1','Company','{"id":"uflpa-1","properties":{"name":["Xinjiang Zhongtai Chemical Co. Ltd."]},"schema":"Company"}');
CREATE TABLE list_versions (
	id INTEGER NOT NULL, 
	list_name VARCHAR(200) NOT NULL, 
	format VARCHAR(50) NOT NULL, 
	imported_at VARCHAR(40) NOT NULL, 
	source TEXT NOT NULL, 
	source_hash VARCHAR(80) NOT NULL, 
	content_hash VARCHAR(80) NOT NULL, 
	entity_count INTEGER NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "list_versions" VALUES(1,'us_dhs_uflpa','ftm','2026-11-27T04:44:24+00:00','uflpa.json','sha256:aa','sha256:bb',1);
CREATE TABLE meta (
	"key" VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY ("key")
);
INSERT INTO "meta" VALUES('audit_head','3:9b78233336b23ef89e07281a7102db89bbb1d6371ca33c413a35306c32316e11');
CREATE TABLE users (
	id INTEGER NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	password_hash TEXT NOT NULL, 
	active BOOLEAN NOT NULL, 
	created_at VARCHAR(32) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (username)
);
INSERT INTO "users" VALUES(1,'ana','analyst','$argon2id$v=19$m=1024,t=1,p=1$rjjnRBMxuY5HJSoKjLd37Q$6/S4kqcHKQEOsZhINB3Kw89BUOYB6xBkuA9lF18P5mQ',1,'2026-11-27T04:44:25.187968Z');
CREATE TABLE watch_hits (
	id INTEGER NOT NULL, 
	portfolio VARCHAR(200) NOT NULL, 
	name TEXT NOT NULL, 
	entity_id VARCHAR(255) NOT NULL, 
	entity_name TEXT NOT NULL, 
	decision VARCHAR(20) NOT NULL, 
	score FLOAT NOT NULL, 
	lists TEXT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(portfolio) REFERENCES watch_portfolios (name) ON DELETE CASCADE
);
CREATE TABLE watch_portfolios (
	name VARCHAR(200) NOT NULL, 
	path TEXT NOT NULL, 
	name_column VARCHAR(200), 
	address_column VARCHAR(200), 
	country_column VARCHAR(200), 
	id_column VARCHAR(200), 
	created_at VARCHAR(40) NOT NULL, 
	last_run_at VARCHAR(40), 
	PRIMARY KEY (name)
);
INSERT INTO "watch_portfolios" VALUES('brand','/data/suppliers.csv','supplier',NULL,NULL,NULL,'2026-11-27T04:44:24+00:00',NULL);
CREATE INDEX ix_list_versions_name ON list_versions (list_name, id);
CREATE INDEX ix_decisions_name_entity ON decisions (name_key, entity_id);
COMMIT;
