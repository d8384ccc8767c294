import { SimActor, defaultActorPolicy, type ActorPolicy } from "./actor";
import { SimChecker } from "./checker";
import { SimDiffuser, defaultDiffuserBehaviour, type DiffuserBehaviour } from "./diffuser";
import { SimEditor } from "./editor";
import { defaultEditorPolicy, type EditorPolicy } from "./editor-policy";
import { SimJudge } from "./judge";
import { defaultSpriteLibrary, type SpriteLibrary } from "./world/sprite-library";
import { worldStyle, type WorldStyle } from "./world/world";
import type { Roles } from "../../roles/types";

/**
 * The embedded CPU world as a full set of roles. It is a simulator: procedural images made of
 * Fluent Emoji 3D sprites, read back by a pixel-level detector. Roles share only the world's
 * constant knowledge (sprite library, style); per-image state crosses only as pixels and text.
 */
export interface SimWorldOptions {
  width?: number;
  height?: number;
  diffuser?: Partial<DiffuserBehaviour>;
  actor?: Partial<ActorPolicy>;
  editor?: Partial<EditorPolicy>;
  library?: SpriteLibrary;
}

export function createSimRoles(options: SimWorldOptions = {}): Roles & { style: WorldStyle; library: SpriteLibrary } {
  const style = worldStyle({ ...(options.width ? { width: options.width } : {}), ...(options.height ? { height: options.height } : {}) });
  const library = options.library ?? defaultSpriteLibrary();
  return {
    style,
    library,
    diffuser: new SimDiffuser(library, style, { ...defaultDiffuserBehaviour, ...options.diffuser }),
    checker: new SimChecker(library, style),
    actor: new SimActor({ ...defaultActorPolicy, ...options.actor }),
    editor: new SimEditor(library, style, { ...defaultEditorPolicy, ...options.editor }),
    judge: new SimJudge(library, style),
  };
}
