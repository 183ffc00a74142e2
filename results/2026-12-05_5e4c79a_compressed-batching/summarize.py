import glob, json, os, re, statistics, sys
runs = sys.argv[1]
data = {}
for path in sorted(glob.glob(os.path.join(runs, "*.jsonl"))):
    m = re.match(r"(\w+)_(before|after)_r(\d+)\.jsonl", os.path.basename(path))
    codec, build, rnd = m.group(1), m.group(2), int(m.group(3))
    for line in open(path):
        o = json.loads(line)
        if o.get("backend") != "uring":
            continue
        key = (codec, o["name"])
        data.setdefault(key, {}).setdefault(build, []).append(
            (o["records_per_s"], o["mb_per_s"], int(o["params"]["batch_bytes"]),
             float(o["params"].get("broker_cpu_s_per_gb", 0))))
order = []
for (codec, name) in data:
    order.append((codec, name))
def sort_key(k):
    codec, name = k
    m = re.match(r"(\d+)x(\d+)B \w+ acks=(\w+)", name)
    acks = {"0": 0, "1": 1, "all": 2}[m.group(3)]
    return (codec, int(m.group(2)), int(m.group(1)), acks)
order.sort(key=sort_key)
print("| codec | case | batch bytes | before records/s | after records/s | after/before | before MB/s | after MB/s | broker CPU s/GB before / after | runs |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
ratios = {}
for key in order:
    codec, name = key
    b = data[key].get("before", []); a = data[key].get("after", [])
    if not a or not b:
        continue
    mb = statistics.median([x[0] for x in b]); ma = statistics.median([x[0] for x in a])
    bb = statistics.median([x[1] for x in b]); ba = statistics.median([x[1] for x in a])
    cb = statistics.median([x[3] for x in b]); ca = statistics.median([x[3] for x in a])
    r = ma / mb if mb else 0
    ratios.setdefault(codec, []).append(r)
    print("| %s | %s | %d | %.0f | %.0f | %.2f | %.1f | %.1f | %.1f / %.1f | %d+%d |" % (
        codec, name.replace(" " + codec, ""), a[0][2], mb, ma, r, bb, ba, cb, ca, len(b), len(a)))
print()
for codec, rs in ratios.items():
    print("%s: median of per-case after/before ratios %.2f over %d cases (min %.2f, max %.2f)" % (
        codec, statistics.median(rs), len(rs), min(rs), max(rs)))
