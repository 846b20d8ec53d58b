/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-model: a damaged model file or sidecar gives an error, never a crash.
 *
 * Input: byte 0 picks what the rest replaces: even, the XGBoost model (with
 * the bundled model's sidecar beside it); odd, the sidecar (beside the
 * bundled model). Seeds in corpus/model/ are the bundled pair. */
#include "config.h"

#include <stdint.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "eg-features.h"
#include "eg-model.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static char *dir;
static char *model_path;
static char *sidecar_path;
static char *good_model;
static gsize good_model_len;
static char *good_sidecar;

static void
setup (void)
{
  g_autofree char *src_model = g_build_filename (SOURCE_DATADIR, "model", "default.ubj", NULL);
  g_autofree char *src_sidecar = eg_model_sidecar_path (src_model);

  dir = g_dir_make_tmp ("eg-fuzz-model-XXXXXX", NULL);
  g_assert (dir != NULL);
  model_path = g_build_filename (dir, "m.ubj", NULL);
  sidecar_path = eg_model_sidecar_path (model_path);
  g_assert (g_file_get_contents (src_model, &good_model, &good_model_len, NULL));
  g_assert (g_file_get_contents (src_sidecar, &good_sidecar, NULL, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EgModel) model = NULL;

  if (size < 1 || size > 1 << 20)
    return 0;
  if (dir == NULL)
    setup ();
  if (data[0] % 2 == 0)
    {
      g_file_set_contents (model_path, (const char *) data + 1, size - 1, NULL);
      g_file_set_contents (sidecar_path, good_sidecar, -1, NULL);
    }
  else
    {
      g_file_set_contents (model_path, good_model, good_model_len, NULL);
      g_file_set_contents (sidecar_path, (const char *) data + 1, size - 1, NULL);
    }
  model = eg_model_load (model_path, &error);
  g_assert ((model == NULL) == (error != NULL));
  if (model)
    {
      float row[EG_N_FEATURES];
      float score = -1;

      /* What loads must score: every feature missing is a valid row. */
      for (guint i = 0; i < EG_N_FEATURES; i++)
        row[i] = NAN;
      g_assert (eg_model_predict (model, row, 1, &score, NULL));
      g_assert (score >= 0 && score <= 1);
    }
  return 0;
}
