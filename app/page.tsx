export default function HomePage() {
  return (
    <main>
      <h1>rl-rig</h1>
      <p>
        The Generate-Reflect-Edit pipeline runs from the command line today:{" "}
        <code>npm run rig -- run &quot;a photo of a dog right of a teddy bear&quot;</code>. The reflection viewer is being built.
      </p>
    </main>
  );
}
