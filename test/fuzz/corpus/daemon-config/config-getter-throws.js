var config = { get x() { throw new Error("boom"); } };
