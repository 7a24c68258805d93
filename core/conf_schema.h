/*
 * conf_schema.h: the configuration schema table, private to the conf module.
 *
 * Every key sitrep reads, from the configuration file and from Sloth SLO
 * files, is one row of conf_schema[]: its path, type, default, range and
 * help, plus where the parsed value is stored.  The loader (conf.c) walks
 * YAML against this table, conf_free() walks it to release memory, and
 * conf_write_docs() turns it into docs/CONFIG.md, so the three cannot
 * disagree.
 *
 * A path names a key from the top of its file: "contexts[].refresh" is the
 * refresh key of each item of the contexts list.  Rows flagged CONF_SLOTH
 * describe a Sloth "prometheus/v1" file instead of the configuration.
 */
#ifndef SITREP_CONF_SCHEMA_H
#define SITREP_CONF_SCHEMA_H

#include <stddef.h>

#include "core/conf.h"

enum conf_type {
	CONF_MAP,		/* a mapping of the rows below it */
	CONF_LIST,		/* a list of mappings */
	CONF_STRING,
	CONF_SECRET,		/* a string never printed */
	CONF_PATH,		/* a string; "~" expands to $HOME */
	CONF_URL,		/* an http:// or https:// URL */
	CONF_DURATION,		/* stored as int64_t ms */
	CONF_SIZE,		/* stored as int64_t bytes */
	CONF_INT,		/* stored as int */
	CONF_NUMBER,		/* stored as double */
	CONF_BOOL,		/* stored as int */
	CONF_ENUM,		/* a string, one of choices */
	CONF_STRLIST,		/* char ** plus a count */
	CONF_PATHLIST,		/* char ** plus a count, "~" expanded */
	CONF_STRMAP,		/* struct conf_kv * plus a count */
	CONF_ANY		/* accepted and ignored */
};

#define CONF_REQUIRED	0x001	/* must be present */
#define CONF_EXCL_MIN	0x002	/* value must be above min, not equal */
#define CONF_EXCL_MAX	0x004	/* value must be below max, not equal */
#define CONF_UNIQUE	0x008	/* unique among the items of its list */
#define CONF_UNIQUE_ALL	0x010	/* unique across the config and slo_files */
#define CONF_SERVICE	0x020	/* names a service from services: */
#define CONF_SLOTH	0x040	/* a key of a Sloth file */
#define CONF_ALLOC	0x080	/* a mapping stored behind a pointer */
#define CONF_NOSTORE	0x100	/* checked, then dropped */
#define CONF_ONE_CHILD	0x200	/* needs at least one of its keys */
#define CONF_HEADER	0x400	/* a map of HTTP header names to values */
#define CONF_RANGE	0x800	/* min and max apply */

struct conf_option {
	const char	*path;		/* "contexts[].prometheus.url" */
	enum conf_type	 type;
	const char	*def;		/* default, written as in YAML; or NULL */
	double		 min;		/* with CONF_RANGE; ms and bytes too */
	double		 max;
	const char	*help;		/* one or two sentences for the docs */
	int		 flags;
	size_t		 off;		/* where the value goes in its struct */
	size_t		 noff;		/* lists and maps: where the count goes */
	size_t		 size;		/* lists, CONF_ALLOC maps: item size */
	size_t		 lineoff;	/* lists, maps: the item's line; 0: none */
	const char	*conflicts;	/* sibling keys not allowed with this */
	const char	*requires;	/* a sibling key needed with this */
	const char	*choices;	/* CONF_ENUM: space-separated values */
};

/* What a Sloth "prometheus/v1" file is parsed into. */
struct conf_sloth {
	char		*version;
	char		*service;
	struct conf_slo	*slos;
	size_t		 nslos;
};

extern const struct conf_option	conf_schema[];
extern const size_t		conf_schema_size;

/* A bound of a row's range as the docs write it: "500ms", "64MiB", "99.9". */
void	conf_schema_format_bound(const struct conf_option *, double,
	    char *, size_t);

/* Limits on what one file may hold, against hostile input. */
#define CONF_MAX_DEPTH		32
#define CONF_MAX_NODES		100000
#define CONF_MAX_ITEMS		4096
#define CONF_MAX_VALUE		65536
#define CONF_MAX_PROBLEMS	1000

#endif
