/*
 * kubeconfig_int.h: what the parts of the kubeconfig loader share, and
 * nothing any other module may use.
 *
 * The loader is split along its seams (see kubeconfig.c for the map):
 * kubeconfig_parse.c turns files into the model below, kubeconfig_choose.c
 * picks a context from it and fills struct kubeconfig, kubeconfig_cred.c
 * assembles the per-request credential, and kubeconfig_exec.c runs exec
 * credential plugins and caches what they return.  They meet in struct
 * kubeconfig and in the helpers declared here.  Callers outside
 * backends/kubeconfig*.c include backends/kubeconfig.h only.
 */
#ifndef SITREP_KUBECONFIG_INT_H
#define SITREP_KUBECONFIG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "backends/kubeconfig.h"

#define KC_MAX_PEM_FILE		((size_t)4 * 1024 * 1024)
#define KC_EXEC_API_V1		"client.authentication.k8s.io/v1"
#define KC_EXEC_API_V1BETA1	"client.authentication.k8s.io/v1beta1"

struct kc_run;
struct kc_waiter;

/* ------------------------------------------------------------------------ */
/* The parsed model. */

struct kc_exec {
	char	 *api_version;
	char	 *command;		/* absolute if it had a '/' */
	char	**args;
	size_t	  nargs;
	char	**env;			/* "NAME=value" */
	size_t	  nenv;
	int	  env_unnamed;		/* an entry without a name */
	char	 *install_hint;
	int	  provide_cluster_info;
	char	 *interactive_mode;
};

struct kc_cluster {
	char	*name;
	char	*file;
	int	 line, col;
	int	 nfields;		/* keys seen in cluster: */
	char	*server;
	char	*ca_file;
	char	*ca_data;		/* decoded */
	size_t	 ca_data_len;
	int	 insecure;
	char	*tls_server_name;
	char	*proxy_url;
};

struct kc_user {
	char		*name;
	char		*file;
	int		 line, col;
	char		*token;		/* secret */
	char		*token_file;
	char		*cert_file;
	char		*cert_data;
	size_t		 cert_data_len;
	char		*key_file;
	char		*key_data;	/* secret */
	size_t		 key_data_len;
	char		*username;
	char		*password;	/* secret */
	struct kc_exec	*exec;
	char		*auth_provider;	/* its name; "" if unnamed */
};

struct kc_context {
	char	*name;
	char	*file;
	int	 line, col;
	char	*cluster;
	char	*user;
	char	*namespace;
};

/* One file, or the merge of several. */
struct kc_set {
	struct kc_cluster	**clusters;
	size_t			  nclusters;
	struct kc_user		**users;
	size_t			  nusers;
	struct kc_context	**contexts;
	size_t			  ncontexts;
	char			 *current_context;
	char			 *current_file;	/* where it was set */
};

/*
 * A loaded kubeconfig: what was chosen, the credential last handed out,
 * the exec cache, and the plugin run with the requests waiting for it.
 */
struct kubeconfig {
	struct kubeconfig_info	 info;
	int64_t			 exec_timeout_ms;

	/* Owned copies of what info points to, plus the secrets. */
	char			*sources;
	char			*context;
	char			*cluster_name;
	char			*user_name;
	char			*server;
	char			*namespace;
	char			*ca_file;
	char			*ca_data;
	size_t			 ca_data_len;
	char			*tls_server_name;
	char			*proxy_url;
	char			*description;
	struct kc_user		*user;		/* NULL: anonymous */
	char			*cluster_json;	/* for provideClusterInfo */

	/* The last credential handed out, and the exec cache. */
	struct kubeconfig_credential cred;
	char			*cur_token;	/* secret, for cred */
	char			*cur_cert;
	size_t			 cur_cert_len;
	char			*cur_key;	/* secret */
	size_t			 cur_key_len;
	int			 exec_valid;
	char			*exec_token;	/* secret */
	char			*exec_cert;
	size_t			 exec_cert_len;
	char			*exec_key;	/* secret */
	size_t			 exec_key_len;
	int64_t			 exec_expires_ms;

	struct loop		*loop;
	struct kc_waiter	*waiters;
	int			 next_id;
	struct loop_timer	*kick;
	struct kc_run		*run;
};

/* ------------------------------------------------------------------------ */
/* Small helpers (kubeconfig.c). */

void	 kc_wipe(void *, size_t);
void	 kc_free_secret(char *);
void	 kc_free_secret_n(char *, size_t);
char	*kc_memdup(const void *, size_t);
char	*kc_read_file(const char *path, size_t limit, size_t *len,
	     char **cause);
char	*kc_trim(char *);
char	*kc_clean(const char *);
void	 kc_clean_cause(char **);

/* Parsing and merging the files (kubeconfig_parse.c). */
int	 kc_load_files(struct kubeconfig *, const struct kubeconfig_options *,
	     struct kc_set *, char **cause);
void	 kc_set_done(struct kc_set *);
void	 kc_user_free(struct kc_user *);

/* Choosing the context, or the in-cluster account (kubeconfig_choose.c). */
int	 kc_choose(struct kubeconfig *, struct kc_set *, const char *want,
	     char **cause);
int	 kc_in_cluster(struct kubeconfig *, const char *sa_dir, char **why,
	     char **cause);
char	*kc_cluster_json(struct kubeconfig *);
void	 kc_describe(struct kubeconfig *);

/* The credential handed out (kubeconfig_cred.c). */
void	 kc_cred_clear(struct kubeconfig *);
int	 kc_cred_build(struct kubeconfig *, char **cause);

/* Exec plugins, their cache and the waiting requests (kubeconfig_exec.c). */
void	 kc_exec_clear(struct kubeconfig *);
int	 kc_exec_cached(struct kubeconfig *);
void	 kc_exec_stop(struct kubeconfig *);
void	 kc_deliver(struct kubeconfig *, const char *error);
/*
 * Read what the user's plugin printed (any bytes) into the exec cache: 0,
 * or -1 and *cause, which never quotes the output (it holds the secret).
 */
int	 kc_exec_parse(struct kubeconfig *, const char *out, size_t len,
	     char **cause);

#endif
