#!/usr/bin/env python3
"""Generates the synthetic user-item ratings of conf/examples/ratings (deterministic: seed 11).

  python3 data/ratings/generate.py        # rewrites data/ratings/ratings.csv and items.csv

items.csv   item_id (int), category (books|music|games), price (dollars), launched (yyyy-MM-dd):
            a dimension table, one row per item.
ratings.csv user_id (int), item_id (int), rating (1-5), ts (epoch seconds, UTC): one row per
            rating, 2024-01-01 to 2024-06-30, in time order.

A rating is 3 + the item's quality + the user's leniency + a category taste of the user + noise,
rounded and clipped to 1..5, so a user's past mean rating, an item's past mean rating and the
item's category all carry signal for "will this user rate this item 4 or more?". Some ratings
share one second (a user rating several items at once), and a few items are never rated.
"""
import csv
import math
import os
import random

SEED = 11
USERS = 300
ITEMS = 120
RATINGS = 6000
START = 1704067200  # 2024-01-01T00:00:00Z
END = 1719705600  # 2024-06-30T00:00:00Z
CATEGORIES = ["books", "music", "games"]

here = os.path.dirname(os.path.abspath(__file__))
rnd = random.Random(SEED)

items = []
for item_id in range(1, ITEMS + 1):
    category = CATEGORIES[item_id % 3]
    quality = rnd.gauss(0.0, 0.8)
    price = round(math.exp(rnd.gauss(2.5, 0.5)), 2)
    launched = "2023-%02d-%02d" % (rnd.randint(1, 12), rnd.randint(1, 28))
    items.append((item_id, category, price, launched, quality))

users = []
for user_id in range(1001, 1001 + USERS):
    leniency = rnd.gauss(0.0, 0.6)
    taste = {c: rnd.gauss(0.0, 0.7) for c in CATEGORIES}
    users.append((user_id, leniency, taste))

# The last 8 items are never rated: they reach serving through the dimension table only.
rated = items[:-8]
rows = []
while len(rows) < RATINGS:
    user_id, leniency, taste = rnd.choice(users)
    ts = rnd.randint(START, END - 1)
    # A user sometimes rates a few items in one sitting, at the same second.
    for _ in range(rnd.choice([1, 1, 1, 2, 3])):
        item_id, category, _, _, quality = rnd.choice(rated)
        score = 3.0 + quality + leniency + taste[category] + rnd.gauss(0.0, 0.7)
        rating = min(5, max(1, int(round(score))))
        rows.append((user_id, item_id, rating, ts))
rows = rows[:RATINGS]
rows.sort(key=lambda r: (r[3], r[0], r[1]))

with open(os.path.join(here, "items.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["item_id", "category", "price", "launched"])
    for item_id, category, price, launched, _ in items:
        w.writerow([item_id, category, "%.2f" % price, launched])

with open(os.path.join(here, "ratings.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["user_id", "item_id", "rating", "ts"])
    for r in rows:
        w.writerow(r)
