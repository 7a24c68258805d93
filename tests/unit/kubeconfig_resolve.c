/*
 * kubeconfig_resolve.c: print what sitrep's kubeconfig loader resolves, one
 * "key=value" per line, so a script can compare it with kubectl under the
 * same environment.  A test helper, not a test: it never prints a secret
 * and never runs an exec plugin.
 *
 *	kubeconfig_resolve [--kubeconfig FILE] [--context NAME]
 *
 * Exit status 0, or 1 with the loader's message on stderr.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/kubeconfig.h"

/* Print one line, "-" for an unset value. */
static void
put(const char *key, const char *value)
{
	printf("%s=%s\n", key, value != NULL ? value : "-");
}

/* Load as told and print what was resolved. */
int
main(int argc, char **argv)
{
	struct kubeconfig_options		 o;
	struct kubeconfig			*kc;
	const struct kubeconfig_info		*i;
	const struct kubeconfig_credential	*c = NULL;
	char					*cause = NULL;
	int					 n, rc;

	memset(&o, 0, sizeof o);
	for (n = 1; n < argc; n++) {
		if (strcmp(argv[n], "--kubeconfig") == 0 && n + 1 < argc)
			o.path = argv[++n];
		else if (strcmp(argv[n], "--context") == 0 && n + 1 < argc)
			o.context = argv[++n];
		else {
			fprintf(stderr, "usage: kubeconfig_resolve "
			    "[--kubeconfig FILE] [--context NAME]\n");
			return 2;
		}
	}
	if (kubeconfig_load(&o, &kc, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return 1;
	}
	i = kubeconfig_info(kc);
	put("context", i->context);
	put("cluster", i->cluster);
	put("user", i->user);
	put("server", i->server);
	put("namespace", i->namespace);
	put("auth", kubeconfig_auth_name(i->auth));
	put("ca_file", i->ca_file);
	put("ca", i->ca_file != NULL ? "file" : i->ca_embedded ? "data" :
	    "none");
	put("insecure", i->insecure_skip_verify ? "true" : "false");
	put("tls_server_name", i->tls_server_name);
	put("proxy_url", i->proxy_url);
	/* Lengths only: what the files held, without showing it. */
	rc = kubeconfig_credential_now(kc, &c, &cause);
	if (rc == 0) {
		printf("ca_bytes=%zu\n", c->ca_data_len);
		printf("cert_bytes=%zu\n", c->cert_data_len);
		printf("key_bytes=%zu\n", c->key_data_len);
	} else if (rc == -1) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
	}
	put("description", i->description);
	kubeconfig_free(kc);
	return rc == -1 ? 1 : 0;
}
