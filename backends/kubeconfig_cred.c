/*
 * kubeconfig_cred.c: the credential one request to the API server needs,
 * assembled from the chosen cluster and user.
 *
 * Static credentials (token, token file, basic auth, client certificate
 * and key) are assembled on every request: a token file and certificate
 * files are read again each time, so rotation is seen at once.  When the
 * user has an exec plugin, its cached result (kubeconfig_exec.c) goes over
 * the static credential; without a valid cached result the caller is told
 * the plugin has to run first.  The TLS material is held in memory only,
 * and what was handed out last is wiped when the next one is built and
 * when the kubeconfig is freed.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "backends/kubeconfig.h"
#include "backends/kubeconfig_int.h"
#include "base/xmalloc.h"

#define KC_MAX_TOKEN_FILE	((size_t)1024 * 1024)

/* ------------------------------------------------------------------------ */
/* Credentials. */

/* Forget the credential last handed out, wiping its secrets. */
void
kc_cred_clear(struct kubeconfig *kc)
{
	kc_free_secret(kc->cur_token);
	kc->cur_token = NULL;
	free(kc->cur_cert);
	kc->cur_cert = NULL;
	kc->cur_cert_len = 0;
	kc_free_secret_n(kc->cur_key, kc->cur_key_len);
	kc->cur_key = NULL;
	kc->cur_key_len = 0;
	memset(&kc->cred, 0, sizeof kc->cred);
}

/* Read a PEM file named by a user for a credential. */
static char *
kc_read_pem(struct kc_user *u, const char *path, const char *what,
    size_t *len, char **cause)
{
	char	*data, *error = NULL, *n;

	if ((data = kc_read_file(path, KC_MAX_PEM_FILE, len, &error)) != NULL)
		return data;
	n = kc_clean(u->name);
	*cause = xasprintf("cannot read %s for user %s: %s", what, n, error);
	free(n);
	free(error);
	return NULL;
}

/*
 * Assemble the credential in kc->cred.  Returns 0, 1 if the exec plugin
 * has to run first, or -1 with *cause.
 */
int
kc_cred_build(struct kubeconfig *kc, char **cause)
{
	struct kubeconfig_credential	*c = &kc->cred;
	struct kc_user			*u = kc->user;
	char				*data, *error = NULL, *n;
	size_t				 len;

	kc_cred_clear(kc);
	if (u != NULL && u->exec != NULL && !kc_exec_cached(kc))
		return 1;
	c->server = kc->server;
	c->namespace = kc->namespace;
	c->ca_file = kc->ca_file;
	c->ca_data = kc->ca_data;
	c->ca_data_len = kc->ca_data_len;
	c->tls_server_name = kc->tls_server_name;
	c->insecure_skip_verify = kc->info.insecure_skip_verify;
	c->proxy_url = kc->proxy_url;
	c->description = kc->description;
	if (u == NULL)
		return 0;

	/* A readable token file wins over an inline token, as kubectl. */
	if (u->token_file != NULL) {
		data = kc_read_file(u->token_file, KC_MAX_TOKEN_FILE, &len,
		    &error);
		if (data != NULL && *kc_trim(data) != '\0') {
			kc->cur_token = xstrdup(kc_trim(data));
			kc_free_secret_n(data, len);
		} else if (u->token == NULL) {
			n = kc_clean(u->name);
			if (data == NULL)
				*cause = xasprintf("cannot read tokenFile for "
				    "user %s: %s", n, error);
			else
				*cause = xasprintf("tokenFile %s for user %s "
				    "is empty", u->token_file, n);
			free(n);
			free(error);
			kc_free_secret_n(data, len);
			return -1;
		} else {
			free(error);
			kc_free_secret_n(data, data == NULL ? 0 : len);
		}
	}
	if (kc->cur_token == NULL && u->token != NULL)
		kc->cur_token = xstrdup(u->token);
	c->username = u->username;
	c->password = u->password;

	if (u->cert_data != NULL) {
		kc->cur_cert = kc_memdup(u->cert_data, u->cert_data_len);
		kc->cur_cert_len = u->cert_data_len;
	} else if (u->cert_file != NULL && (kc->cur_cert = kc_read_pem(u,
	    u->cert_file, "client-certificate", &kc->cur_cert_len,
	    cause)) == NULL)
		return -1;
	if (kc->cur_cert != NULL) {
		if (u->key_data != NULL) {
			kc->cur_key = kc_memdup(u->key_data, u->key_data_len);
			kc->cur_key_len = u->key_data_len;
		} else if (u->key_file != NULL && (kc->cur_key = kc_read_pem(u,
		    u->key_file, "client-key", &kc->cur_key_len,
		    cause)) == NULL) {
			kc_cred_clear(kc);
			return -1;
		}
	}

	/* What the plugin returned goes over the static credential. */
	if (u->exec != NULL) {
		if (kc->exec_token != NULL) {
			kc_free_secret(kc->cur_token);
			kc->cur_token = xstrdup(kc->exec_token);
			c->username = c->password = NULL;
		}
		if (kc->exec_cert != NULL) {
			free(kc->cur_cert);
			kc_free_secret_n(kc->cur_key, kc->cur_key_len);
			kc->cur_cert = kc_memdup(kc->exec_cert,
			    kc->exec_cert_len);
			kc->cur_cert_len = kc->exec_cert_len;
			kc->cur_key = kc_memdup(kc->exec_key, kc->exec_key_len);
			kc->cur_key_len = kc->exec_key_len;
		}
		c->expires_ms = kc->exec_expires_ms;
	}
	c->bearer_token = kc->cur_token;
	c->cert_data = kc->cur_cert;
	c->cert_data_len = kc->cur_cert_len;
	c->key_data = kc->cur_key;
	c->key_data_len = kc->cur_key_len;
	return 0;
}

/* The credential, if it is ready now. */
int
kubeconfig_credential_now(struct kubeconfig *kc,
    const struct kubeconfig_credential **out, char **cause)
{
	int	rc;

	if ((rc = kc_cred_build(kc, cause)) == 0)
		*out = &kc->cred;
	else if (rc == -1)
		kc_clean_cause(cause);
	return rc;
}
