"""Hand-written article texts that several tests share (a wire story and an unrelated one)."""

WIRE = (
    "The city council voted on Tuesday to close the old harbour bridge for two years of repairs, "
    "after engineers found cracks in three of its steel supports. Commuters will be diverted to the "
    "northern ring road, which the council said would add about fifteen minutes to a typical journey. "
    "The mayor said the decision was painful but unavoidable, and promised free shuttle buses during "
    "peak hours. Local businesses near the bridge warned that the closure could cut their trade by half, "
    "and asked the council for compensation while the work goes on."
)
OTHER = (
    "A local bakery won the national bread championship on Sunday with a sourdough loaf made from "
    "rye grown on a nearby farm, beating more than two hundred entries from across the country."
)
