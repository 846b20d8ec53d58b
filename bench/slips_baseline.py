# SPDX-License-Identifier: GPL-2.0-or-later
"""A Slips-style flowmldetection baseline beside Edgeguard's bundled model.

Trains what Slips' flowmldetection module trains (modules/flowmldetection/
flowmldetection.py in stratosphereips/StratosphereLinuxIPS): scikit-learn's
SGDClassifier(loss="hinge", penalty="l2", warm_start=True) behind a
StandardScaler, fed with partial_fit in batches of labeled flows, on Slips'
nine features

    proto, dport, sport, dur, pkts, spkts, bytes, sbytes, state

on the SAME captures the bundled model data/model/default.ubj is trained on
(tools/train-default-model.sh), evaluates it on the captures that model never
saw, and runs `edgeguard-cli evaluate --json` on the same files in the same
run. Called by bench/slips-baseline.sh; not a test (nothing here is asserted).

Where this differs from Slips, on purpose or because Slips could not be
followed exactly, the comment says so ("Deviation").
"""

import argparse
import json
import math
import os
import subprocess
import sys

try:
    import numpy
    from sklearn.linear_model import SGDClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.preprocessing import StandardScaler
except ImportError:
    print("SKIP: python3-sklearn not installed (apt install python3-sklearn)")
    sys.exit(0)

MALICIOUS = "Malicious"
BENIGN = "Benign"

# Protocols Edgeguard reads (eg_proto_from_string); other rows (arp, igmp,
# ipv6, llc, man, unknown_transport...) are skipped by its readers, so they
# are skipped here too: same rows on both sides.
EG_PROTOS = {"tcp", "udp", "icmp", "ipv6-icmp", "icmp6", "ipv6icmp"}
# Slips' process_features() drops these before training and scoring.
SLIPS_DISCARD = {"arp", "icmp", "igmp", "ipv6-icmp", ""}

# Slips' dummy flows (add_dummy_flows), in its column order: added to the
# first batch when a class is missing from it.
DUMMY = {
    MALICIOUS: [0.0, 443.0, 49733.0, 1.9424750804901123, 44.0, 17.0,
                42764.0, 25517.0, 1.0],
    BENIGN: [0.0, 80.0, 47956.0, 10.896695, 1.0, 1.0, 67696.0, 100.0, 1.0],
}


# ---- labels: the same rules as Edgeguard's readers ----

def label_from_ctu(text):
    """eg_label_from_ctu: CTU's "flow=From-Botnet-..." and friends."""
    t = text.lower()
    if "botnet" in t or "malware" in t or "malicious" in t:
        return MALICIOUS
    if "normal" in t or "benign" in t:
        return BENIGN
    return None  # Background or unknown: left out


def label_from_zeek(value):
    """eg-zeek-reader.c: "flow=..." is CTU's, else Malicious/Benign/Normal."""
    if value.startswith("flow="):
        return label_from_ctu(value)
    v = value.lower()
    if v == "malicious":
        return MALICIOUS
    if v in ("benign", "normal"):
        return BENIGN
    return None


# ---- Slips' state summary (slips_files/common/state_handler.py) ----

def _zeek_state(state):
    if state in ("S0", "REJ", "RSTOS0", "RSTRH", "SH", "SHR"):
        return "Not Established"
    if state in ("S1", "SF", "S2", "S3", "RSTO", "RSTP", "OTH"):
        return "Established"
    return None


def _argus_state(state):
    pre, suf = state.split("_")[0], state.split("_")[1]  # IndexError: no "_"
    if "S" in pre and "A" in pre and "S" in suf and "A" in suf:
        return "Established"
    if "PA" in pre and "PA" in suf:
        return "Established"
    return "Not Established"  # (ICMP names too; ICMP is discarded anyway)


def final_state_from_flags(state, pkts):
    """get_final_state_from_flags(), in its order: Suricata, Zeek, Argus
    names, then the single-word ones (ICMP, UDP, TCP)."""
    try:
        if "new" in state or "established" in state:
            return "Established"
        if "closed" in state:
            return "Not Established"
        s = _zeek_state(state)
        if s:
            return s
        return _argus_state(state)
    except IndexError:
        pre = state.split("_")[0]
        if "ECO" in pre or "UNK" in pre:
            return "Established"
        if "CON" in pre:
            return "Established"
        if "INT" in pre:
            return "Not Established"
        if "EST" in pre:
            return "Established"
        if "RST" in pre or "FIN" in pre:
            # Slips: the OS retries a SYN 3 times, so <= 3 packets is a failure.
            return "Not Established" if int(pkts) <= 3 else "Established"
        return "Not Established"


def slips_proto(proto):
    """process_features(): the regexes tcp->0, udp->1, icmp->2 (icmp-ipv6
    and arp never get past the discard list)."""
    if "tcp" in proto:
        return 0.0
    if "udp" in proto:
        return 1.0
    if "icmp" in proto:
        return 2.0
    return 4.0


def _num(value, default=0.0):
    if value in ("", "-", "(empty)"):
        return default
    try:
        if value.lower().startswith("0x"):
            # Deviation: Argus writes some ports in hex; Slips' astype(float)
            # would fail on them. Read as the number they are.
            return float(int(value, 16))
        return float(value)
    except ValueError:
        return default


def slips_row(proto, sport, dport, dur, spkts, dpkts, sbytes, dbytes, state):
    pkts = spkts + dpkts
    st = 0.0 if "Not Established" in final_state_from_flags(state, pkts) else 1.0
    return [slips_proto(proto), dport, sport, dur, pkts, spkts,
            sbytes + dbytes, sbytes, st]


# ---- readers: one (label, proto, row) per flow Edgeguard also reads ----

def read_conn_log(path):
    """A Zeek conn.log with a label column. Slips maps orig_bytes->sbytes,
    resp_bytes->dbytes, orig_pkts->spkts, resp_pkts->dpkts
    (zeek_to_slips_maps.py); unset values are 0."""
    fields = None
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#fields"):
                # Some Stratosphere files join the last names with spaces.
                fields = line.split("\t")[1:]
                fields = [n for name in fields for n in name.split()]
                continue
            if not line or line.startswith("#"):
                continue
            if fields is None:
                raise SystemExit(f"{path}: no #fields line: not a Zeek conn.log")
            vals = line.split("\t")
            if len(vals) != len(fields):
                vals = vals[:-1] + vals[-1].split()
            if len(vals) != len(fields):
                continue  # Edgeguard counts such lines as bad and skips them
            r = dict(zip(fields, vals))
            proto = r.get("proto", "").lower()
            if proto not in EG_PROTOS:
                continue
            label = label_from_zeek(r.get("label", "-"))
            row = slips_row(proto, _num(r["id.orig_p"]), _num(r["id.resp_p"]),
                            _num(r.get("duration", "-")),
                            _num(r.get("orig_pkts", "-")), _num(r.get("resp_pkts", "-")),
                            _num(r.get("orig_bytes", "-")), _num(r.get("resp_bytes", "-")),
                            r.get("conn_state", ""))
            out.append((label, proto, row))
    return out


def read_binetflow(path):
    """An Argus binetflow with CTU labels. Deviation: Slips' Argus input
    does not read the Label column (the flows take the label in slips.yaml);
    here they take the same per-flow label Edgeguard trains on. dbytes and
    dpkts are TotBytes - SrcBytes and TotPkts - SrcPkts."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        header = f.readline().rstrip("\n")
        sep = "\t" if "\t" in header else ","
        names = [h.strip().lower() for h in header.split(sep)]
        idx = {n: i for i, n in enumerate(names)}
        for line in f:
            line = line.rstrip("\n")
            if not line.strip(" \t,") or line.startswith("StartTime"):
                continue
            v = line.split(sep)
            if len(v) != len(names):
                continue
            proto = v[idx["proto"]].strip().lower()
            if proto not in EG_PROTOS:
                continue
            tot_pkts = _num(v[idx["totpkts"]])
            tot_bytes = _num(v[idx["totbytes"]])
            sbytes = _num(v[idx["srcbytes"]])
            spkts = _num(v[idx["srcpkts"]]) if "srcpkts" in idx else tot_pkts
            label = label_from_ctu(v[idx["label"]]) if "label" in idx else None
            row = slips_row(proto, _num(v[idx["sport"]]), _num(v[idx["dport"]]),
                            _num(v[idx["dur"]]), spkts, tot_pkts - spkts,
                            sbytes, tot_bytes - sbytes, v[idx["state"]].strip())
            out.append((label, proto, row))
    return out


def read_flows(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            head = f.readline()
        if head.startswith("#separator") or head.startswith("#fields"):
            return read_conn_log(path)
        if head.startswith("StartTime"):
            return read_binetflow(path)
    except OSError as e:
        raise SystemExit(f"{path}: cannot read it: {e.strerror}")
    except KeyError as e:
        raise SystemExit(f"{path}: no {e.args[0]} column, which the nine features need")
    raise SystemExit(f"{path}: neither a Zeek conn.log nor an Argus binetflow")


# ---- the Slips-style model ----

def train(paths, batch_size, seed):
    """Slips' train mode: labeled flows (Background skipped) gathered in
    arrival order; every batch_size of them one partial_fit. The scaler is
    fit on the first batch and partial_fit on the later ones; the first
    partial_fit names the classes and, if one is missing from the batch,
    gets Slips' dummy flow of it (appended after scaling, as Slips does).

    Deviations: Slips' batch size comes from slips.yaml, whose default we
    could not see in the stored sources (older versions hard-code
    minimum_lables_to_retrain = 50, so 50 here
    by default; --batch-size). Slips seeds nothing; we fix random_state so runs
    repeat (--seed). Slips validates on a random tenth when
    validate_on_train is on; off here (the held-out captures do that). Slips
    trains on the last partial batch only when it holds a quarter of a
    batch (last_training_in_window); so do we."""
    clf = SGDClassifier(loss="hinge", penalty="l2", warm_start=True, random_state=seed)
    scaler = StandardScaler()
    initialized = False
    batch_x, batch_y = [], []
    n_rows = {MALICIOUS: 0, BENIGN: 0}
    n_left_out = 0
    n_icmp = 0

    def fit(xs, ys):
        nonlocal initialized
        x = numpy.array(xs, dtype=numpy.float64)
        y = numpy.array(ys)
        if not initialized:
            scaler.fit(x)
        else:
            scaler.partial_fit(x)
        x = scaler.transform(x)
        if not initialized:
            for label in (MALICIOUS, BENIGN):
                if label not in ys:
                    x = numpy.vstack([x, numpy.array(DUMMY[label]).reshape(1, -1)])
                    y = numpy.append(y, [label])
            clf.partial_fit(x, y, classes=[MALICIOUS, BENIGN])
            initialized = True
        else:
            clf.partial_fit(x, y)

    for path in paths:
        for label, proto, row in read_flows(path):
            if label is None:
                n_left_out += 1
                continue
            n_rows[label] += 1
            if proto in SLIPS_DISCARD:
                n_icmp += 1
                continue
            batch_x.append(row)
            batch_y.append(label)
            if len(batch_x) >= batch_size:
                fit(batch_x, batch_y)
                batch_x, batch_y = [], []
    if batch_x and len(batch_x) >= batch_size // 4:
        fit(batch_x, batch_y)
    if not initialized:
        raise SystemExit(f"{', '.join(paths)}: fewer than {batch_size} labeled TCP/UDP flows: "
                         "nothing to train the SGD on (try a smaller --batch-size)")
    summary = {"rows": n_rows[MALICIOUS] + n_rows[BENIGN], "malicious": n_rows[MALICIOUS],
               "benign": n_rows[BENIGN], "left_out": n_left_out,
               "icmp_not_trained": n_icmp}
    return clf, scaler, summary


def metrics(y, score, pred):
    """Edgeguard's definitions: precision, recall, F1 of the malicious class,
    ROC AUC of the score, FPR = fp / (fp + tn)."""
    y = numpy.asarray(y, dtype=bool)
    pred = numpy.asarray(pred, dtype=bool)
    tp = int(numpy.sum(y & pred))
    fp = int(numpy.sum(~y & pred))
    fn = int(numpy.sum(y & ~pred))
    tn = int(numpy.sum(~y & ~pred))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    auc = roc_auc_score(y, score) if 0 < y.sum() < len(y) else float("nan")
    return {"n": len(y), "positives": int(y.sum()), "precision": precision,
            "recall": recall, "f1": f1, "auc": auc,
            "fpr": fp / (fp + tn) if fp + tn else 0.0,
            "tp": tp, "fp": fp, "tn": tn, "fn": fn}


def evaluate_sgd(clf, scaler, paths):
    """Slips' test mode scores every labeled flow it does not discard:
    predict() is the verdict, decision_function() the score for the AUC.
    Flows Slips discards (ICMP) get no verdict and raise no evidence: they
    count as benign with the lowest score, so both models are measured on
    the same rows."""
    y, score, pred = [], [], []
    not_scored = 0
    mal_col = list(clf.classes_).index(MALICIOUS)
    for path in paths:
        rows = [(label, proto, row) for label, proto, row in read_flows(path) if label]
        scored = [i for i, (_, proto, _) in enumerate(rows) if proto not in SLIPS_DISCARD]
        s = numpy.full(len(rows), -numpy.inf)
        if scored:
            x = scaler.transform(numpy.array([rows[i][2] for i in scored], dtype=numpy.float64))
            d = clf.decision_function(x)
            # decision_function > 0 means classes_[1]
            s[scored] = d if mal_col == 1 else -d
        not_scored += len(rows) - len(scored)
        y += [label == MALICIOUS for label, _, _ in rows]
        score += list(s)
        pred += list(s > 0)
    m = metrics(y, numpy.nan_to_num(numpy.array(score), neginf=-1e300), pred)
    m["not_scored"] = not_scored
    # The AUC on the rows Slips scores at all: how well it ranks what it sees.
    ys = numpy.array(y, dtype=bool)[numpy.isfinite(score)]
    ss = numpy.array(score)[numpy.isfinite(score)]
    m["auc_scored"] = roc_auc_score(ys, ss) if 0 < ys.sum() < len(ys) else float("nan")
    return m


def evaluate_edgeguard(cli, model, paths):
    out = subprocess.run([cli, "evaluate", "--json", "--model", model] + list(paths),
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{cli} evaluate failed on {', '.join(paths)}: {out.stderr.strip()}")
    return json.loads(out.stdout)


def fmt(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    return f"{v:.3f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--train", action="append", required=True)
    ap.add_argument("--test", action="append", required=True, help="NAME=FILE[,FILE...]")
    ap.add_argument("--batch-size", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--seeds", type=int, default=1,
                    help="also train with seeds seed..seed+N-1 and print the F1/AUC spread")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    base = os.path.commonpath([os.path.dirname(p) for p in args.train + [
        f for t in args.test for f in t.split("=", 1)[1].split(",")]])
    clf, scaler, summary = train(args.train, args.batch_size, args.seed)
    seed_models = [train(args.train, args.batch_size, s)[:2]
                   for s in range(args.seed, args.seed + args.seeds)] if args.seeds > 1 else []
    # The bundled model's sidecar counts its training rows the same way.
    sidecar = os.path.splitext(args.model)[0] + ".meta.json"
    trained_on = None
    if os.path.exists(sidecar):
        with open(sidecar, encoding="utf-8") as f:
            t = json.load(f).get("training", {})
        trained_on = {k: t.get(k) for k in ("rows", "malicious", "benign", "left_out")}
    results = []
    for t in args.test:
        name, files = t.split("=", 1)
        files = files.split(",")
        sgd = evaluate_sgd(clf, scaler, files)
        eg = evaluate_edgeguard(args.cli, args.model, files)
        spread = None
        if args.seeds > 1:
            runs = [evaluate_sgd(c, sc, files) for c, sc in seed_models]
            spread = {k: (min(r[k] for r in runs), max(r[k] for r in runs))
                      for k in ("f1", "auc", "fpr")}
        results.append({"capture": name, "files": files, "sgd": sgd, "edgeguard": eg,
                        "sgd_seed_spread": spread})

    if args.json:
        def clean(v):
            if isinstance(v, dict):
                return {k: clean(x) for k, x in v.items()}
            if isinstance(v, (list, tuple)):
                return [clean(x) for x in v]
            if isinstance(v, float) and math.isnan(v):
                return None  # JSON has no NaN
            return v
        print(json.dumps(clean({"training": summary, "batch_size": args.batch_size,
                                "seed": args.seed, "results": results}), indent=2))
        return

    print(f"Slips-style SGD trained on {len(args.train)} captures: {summary['rows']} labeled "
          f"flows ({summary['malicious']} malicious, {summary['benign']} benign, "
          f"{summary['left_out']} Background/unlabeled left out; {summary['icmp_not_trained']} "
          f"ICMP flows Slips does not train on), batches of {args.batch_size}, seed {args.seed}")
    print(f"Edgeguard: {args.model}; data under {base}")
    if trained_on:
        same = all(trained_on[k] == summary[k] for k in trained_on)
        print("training rows: " + ("the same counts as the model's sidecar" if same else
              f"DIFFER from the model's sidecar {trained_on}"))
    print()


    cols = ("precision", "recall", "f1", "auc", "fpr")
    print("| capture | n | positives | " + " | ".join(f"SGD {c}" for c in cols) + " | "
          + " | ".join(f"EG {c}" for c in cols) + " |")
    print("|" + "---|" * (3 + 2 * len(cols)))
    mismatch = []
    for r in results:
        s, e = r["sgd"], r["edgeguard"]
        print(f"| {r['capture']} | {s['n']} | {s['positives']} | "
              + " | ".join(fmt(s[c]) for c in cols) + " | "
              + " | ".join(fmt(e.get(c)) for c in cols) + " |")
        if (s["n"], s["positives"]) != (e.get("n"), e.get("positives")):
            mismatch.append(f"{r['capture']}: SGD rows {s['n']}/{s['positives']}, "
                            f"Edgeguard {e.get('n')}/{e.get('positives')}")
    print()
    for r in results:
        s, e = r["sgd"], r["edgeguard"]
        flag_all = 2 * s["positives"] / (s["n"] + s["positives"]) if s["n"] else 0.0
        line = (f"{r['capture']}: SGD tp/fn/fp/tn {s['tp']}/{s['fn']}/{s['fp']}/{s['tn']} "
                f"({s['not_scored']} ICMP flows unscored, counted benign; "
                f"AUC on the scored rows {fmt(s['auc_scored'])}), "
                f"Edgeguard {e.get('tp')}/{e.get('fn')}/{e.get('fp')}/{e.get('tn')}; "
                f"flag-all F1 {fmt(flag_all)}")
        if r["sgd_seed_spread"]:
            sp = r["sgd_seed_spread"]
            line += (f"; SGD over {args.seeds} seeds F1 {fmt(sp['f1'][0])}-{fmt(sp['f1'][1])}, "
                     f"AUC {fmt(sp['auc'][0])}-{fmt(sp['auc'][1])}, "
                     f"FPR {fmt(sp['fpr'][0])}-{fmt(sp['fpr'][1])}")
        print(line)
    if mismatch:
        print("ROWS DIFFER: " + "; ".join(mismatch))
        sys.exit(1)
    print("rows: n and positives match Edgeguard's on every capture")


if __name__ == "__main__":
    main()
