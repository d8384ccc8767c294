import { describe, expect, it } from "vitest";
import { cocoClasses, cocoClassOf } from "./coco-labels";

describe("cocoClassOf", () => {
  it("knows the 80 COCO classes by their own names", () => {
    expect(cocoClasses).toHaveLength(80);
    for (const name of cocoClasses) expect(cocoClassOf(name)).toBe(name);
  });

  it("maps everyday words and plurals onto COCO classes", () => {
    expect(cocoClassOf("man")).toBe("person");
    expect(cocoClassOf("The Woman")).toBe("person");
    expect(cocoClassOf("people")).toBe("person");
    expect(cocoClassOf("smartphone")).toBe("cell phone");
    expect(cocoClassOf("sofa")).toBe("couch");
    expect(cocoClassOf("television")).toBe("tv");
    expect(cocoClassOf("table")).toBe("dining table");
    expect(cocoClassOf("motorbike")).toBe("motorcycle");
    expect(cocoClassOf("aeroplane")).toBe("airplane");
    expect(cocoClassOf("dogs")).toBe("dog");
    expect(cocoClassOf("buses")).toBe("bus");
    expect(cocoClassOf("bus")).toBe("bus");
  });

  it("has nothing for things outside COCO", () => {
    for (const label of ["unicorn", "lamp", "tree", "glasses"]) expect(cocoClassOf(label)).toBeUndefined();
  });
});
