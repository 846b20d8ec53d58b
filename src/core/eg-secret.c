/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-secret.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#ifdef HAVE_LIBSECRET
#include <libsecret/secret.h>
#endif

#include "eg-error.h"

#ifdef HAVE_LIBSECRET
static const SecretSchema *
sasl_schema (void)
{
  static const SecretSchema schema = {
    APP_ID ".KafkaSasl", SECRET_SCHEMA_NONE,
    { { "purpose", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  };

  return &schema;
}
#endif

char *
eg_secret_get_fallback_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "edgeguard", "kafka-sasl-password", NULL);
}

static gboolean
write_file (const char  *path,
            const char  *password,
            GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp = g_strconcat (path, ".new", NULL);
  gsize len = strlen (password);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, EG_ERROR, EG_ERROR_FAILED, _("Cannot create %s: %s"), dir,
                   g_strerror (saved));
      return FALSE;
    }
  /* Created 0600, never readable by others even for a moment. */
  fd = g_open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || fchmod (fd, 0600) != 0 || write (fd, password, len) != (gssize) len
      || fsync (fd) != 0)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_unlink (tmp);
      g_set_error (error, EG_ERROR, EG_ERROR_FAILED, _("Cannot write the password to %s: %s"),
                   tmp, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  if (g_rename (tmp, path) != 0)
    {
      int saved = errno;
      g_unlink (tmp);
      g_set_error (error, EG_ERROR, EG_ERROR_FAILED, _("Cannot write the password to %s: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
eg_secret_store_sasl_password (const char  *password,
                               char       **where,
                               GError     **error)
{
  g_autofree char *path = eg_secret_get_fallback_path ();
  g_autoptr(GError) keyring_error = NULL;
  gboolean forget = password == NULL || *password == '\0';

#ifdef HAVE_LIBSECRET
  if (forget)
    secret_password_clear_sync (sasl_schema (), NULL, &keyring_error, "purpose", "kafka-sasl", NULL);
  else if (secret_password_store_sync (sasl_schema (), SECRET_COLLECTION_DEFAULT,
                                       _("Edgeguard Kafka SASL password"), password, NULL,
                                       &keyring_error, "purpose", "kafka-sasl", NULL))
    {
      /* One place only: an old copy in the file would win on a machine
       * whose keyring is gone later. */
      g_unlink (path);
      if (where != NULL)
        *where = g_strdup (_("The password is kept in your keyring."));
      return TRUE;
    }
#else
  keyring_error = g_error_new_literal (EG_ERROR, EG_ERROR_FAILED,
                                       _("built without libsecret"));
#endif

  if (forget)
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved = errno;
          g_set_error (error, EG_ERROR, EG_ERROR_FAILED, _("Cannot remove %s: %s"), path,
                       g_strerror (saved));
          return FALSE;
        }
      if (where != NULL)
        *where = g_strdup (_("No password is kept."));
      return TRUE;
    }
  if (!write_file (path, password, error))
    return FALSE;
  if (where != NULL)
    /* Translators: %s is the keyring's error, the second %s a file name. */
    *where = g_strdup_printf (_("No keyring answered (%s): the password is kept in %s, "
                                "which only you can read."),
                              keyring_error != NULL ? keyring_error->message : _("no answer"), path);
  return TRUE;
}

char *
eg_secret_lookup_sasl_password (GError **error)
{
  g_autofree char *path = eg_secret_get_fallback_path ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;

#ifdef HAVE_LIBSECRET
  {
    char *secret = secret_password_lookup_sync (sasl_schema (), NULL, &local_error,
                                                "purpose", "kafka-sasl", NULL);

    if (secret != NULL)
      {
        char *copy = g_strdup (secret);

        secret_password_free (secret);
        return copy;
      }
    /* No keyring, or nothing in it: the file may hold it. */
    g_clear_error (&local_error);
  }
#endif
  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return NULL;
      g_set_error (error, EG_ERROR, EG_ERROR_FAILED, _("Cannot read the Kafka password: %s"),
                   local_error->message);
      return NULL;
    }
  /* A file written by hand with echo ends in a newline that is not part of
   * the password. */
  if (g_str_has_suffix (contents, "\n"))
    contents[strlen (contents) - 1] = '\0';
  if (g_str_has_suffix (contents, "\r"))
    contents[strlen (contents) - 1] = '\0';
  return g_steal_pointer (&contents);
}
