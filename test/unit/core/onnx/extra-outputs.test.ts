/** Extra graph outputs appended as protobuf bytes: the model decodes with the outputs added, nothing else changed. */
import { describe, expect, it } from 'vitest'
import { decodeOnnxModel } from '../../../../src-main/core/onnx/onnx-model'
import { withExtraOutputs } from '../../../../src-main/core/onnx/extra-outputs'
import { onnxModelProtoType } from '../../../../src-main/core/onnx/onnx-schema'
import { readBytes, sharedFixture } from '../../../helpers/fixtures'

describe('withExtraOutputs', () => {
  it('adds outputs to the real yolox_nano graph, keeping every node and the original outputs first', () => {
    const bytes = readBytes(sharedFixture('models', 'yolox_nano.onnx'))
    const before = decodeOnnxModel(bytes)
    const after = decodeOnnxModel(withExtraOutputs(bytes, ['onnx::Concat_1146', 'input.807']))
    expect(after.graph.outputs.map((o) => o.name)).toEqual(['output', 'onnx::Concat_1146', 'input.807'])
    expect(after.graph.nodes.length).toBe(before.graph.nodes.length)
    expect(after.graph.initializers.length).toBe(before.graph.initializers.length)
  })

  it('returns the same bytes when nothing is asked; names of any length and in UTF-8', () => {
    const bytes = readBytes(sharedFixture('models', 'yolox_nano.onnx'))
    expect(withExtraOutputs(bytes, [])).toBe(bytes)
    const long = `/model.22/${'x'.repeat(300)}/Conv_output_0`
    // Names the graph does not produce: read the raw message (decodeOnnxModel would refuse them).
    const raw = onnxModelProtoType().decode(withExtraOutputs(bytes, [long, 'sortie_é'])) as unknown as {
      graph: { output: { name: string }[] }
    }
    expect(raw.graph.output.map((o) => o.name)).toEqual(['output', long, 'sortie_é'])
  })
})
