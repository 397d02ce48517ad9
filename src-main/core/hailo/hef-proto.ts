/**
 * The part of the HEF protobuf (`ProtoHEFHef`) that Quantscope reads, embedded as text and parsed once,
 * lazily, by protobufjs.
 *
 * Written for Quantscope from the field numbers and types listed in docs/hailo-formats.md (sections 1.2
 * and 1.3), which were taken from HailoRT's `hef.proto` (MIT) and checked against a real Hailo-8 HEF.
 * Only messages and fields a reader needs are declared; everything else is skipped by protobufjs as an
 * unknown field: the 1 MB `mapping` blob is kept only as a view (its size is reported), and context
 * operations (CCW pointers, LCU actions), preliminary configs, cfg channel configs, mux data and
 * plane descriptions are not declared at all. Enums are declared as uint32 so that values newer than
 * this schema survive decoding as plain numbers. Message names keep HailoRT's, without the `ProtoHEF`
 * prefix.
 */
import protobuf from 'protobufjs'

export const HEF_PROTO_TEXT = `
syntax = "proto3";
package hef;

message Hef {
  Header header = 1;
  repeated NetworkGroup network_groups = 2;
  bytes mapping = 3;
  IncludedFeatures included_features = 4;
  repeated Extension extensions = 5;
  repeated Extension optional_extensions = 6;
  repeated ExternalResource external_resources = 7;
}

message Header {
  uint32 hw_arch = 1;
  uint64 timestamp = 2;
  string sdk_version_str = 3;
  uint64 version = 4;
  SdkVersion sdk_version = 5;
}

message SdkVersion {
  uint32 major = 1;
  uint32 minor = 2;
  uint32 revision = 3;
}

message IncludedFeatures {
  bool abbale = 1;
  bool posted_writes = 2;
  bool ddr = 3;
  bool is_multi_context = 4;
  bool compressed_params = 5;
  bool transpose_component = 6;
  bool padded_ddr_buffers = 7;
  bool sequencer = 8;
}

message Extension {
  uint32 type_index = 1;
  string name = 2;
}

message ExternalResource {
  uint64 offset = 1;
  uint64 size = 2;
  string name = 3;
  uint64 xxhash = 4;
}

message NetworkGroup {
  NetworkGroupMetadata network_group_metadata = 1;
  repeated Context contexts = 3;
  repeated string sorted_outputs_order = 4;
  FusedLayersMetadata fused_layers_metadata = 5;
  repeated string networks_names = 6;
  repeated PartialNetworkGroup partial_network_groups = 7;
  repeated Op ops = 8;
  repeated PadEdge pad_edges = 9;
  string network_group_name = 10;
  uint32 network_group_index = 11;
}

message PartialNetworkGroup {
  NetworkGroup network_group = 1;
}

message NetworkGroupMetadata {
  string network_group_name = 1;
  uint32 network_group_index = 2;
  bool transposed_net = 3;
  double bottleneck_fps = 4;
  uint32 cfg_channels_count = 5;
  double latency = 6;
  uint64 computational_ops = 8;
}

message FusedLayersMetadata {
  bool network_has_fused_layers = 1;
  repeated string updated_sorted_output_names = 2;
}

message PadEdge {
  uint32 src = 1;
  uint32 dst = 2;
}

message Op {
  string name = 1;
  repeated Pad input_pads = 2;
  repeated Pad output_pads = 3;
  oneof op {
    CoreOp core_op = 4;
    NmsOp nms_op = 5;
    LogitsOp logits_op = 6;
  }
}

message CoreOp {
  NetworkGroupMetadata network_group_metadata = 1;
  repeated Context contexts = 3;
  repeated string sorted_outputs_order = 4;
  FusedLayersMetadata fused_layers_metadata = 5;
  repeated string networks_names = 6;
  repeated PartialCoreOp partial_core_ops = 7;
}

message PartialCoreOp {
  CoreOp core_op = 1;
}

message LogitsOp {
  uint32 logits_type = 1;
}

message Pad {
  uint32 index = 1;
  string name = 2;
  uint32 format_order = 3;
  uint32 data_bytes = 4;
  NumericInfo numeric_info = 5;
  oneof shape {
    TensorShape tensor_shape = 6;
    NmsShape nms_shape = 7;
  }
  uint32 format_type = 8;
}

message TensorShape {
  uint32 height = 1;
  uint32 padded_height = 2;
  uint32 width = 3;
  uint32 padded_width = 4;
  uint32 features = 5;
  uint32 padded_features = 6;
}

message NmsShape {
  uint32 number_of_classes = 1;
  uint32 max_bboxes_per_class = 2;
  uint32 bbox_size = 3;
  uint32 division_factor = 4;
}

message NumericInfo {
  float qp_zp = 1;
  float qp_scale = 2;
  float limvals_min = 3;
  float limvals_max = 4;
  repeated double qp_zps = 5;
  repeated double qp_scales = 6;
}

message Context {
  uint32 context_index = 1;
  ContextMetadata metadata = 3;
}

message ContextMetadata {
  string name = 1;
  repeated EdgeLayer edge_layers = 2;
  repeated string sorted_outputs_order = 5;
}

message EdgeLayer {
  uint32 direction = 1;
  uint32 edge_layer_type = 2;
  EdgeLayerInfo layer_info = 3;
  EdgeLayerMux layer_mux = 4;
  ContextSwitchInfo context_switch_info = 5;
  uint32 network_index = 6;
  uint32 pad_index = 7;
  EdgeLayerPlanes layer_planes = 8;
}

message ContextSwitchInfo {
  uint32 edge_connection_type = 3;
}

message EdgeLayerInfo {
  string name = 1;
  EdgeLayerBase edge_layer_base = 2;
  NumericInfo numeric_info = 3;
  string hn_output_layer_name = 4;
  repeated string original_names = 5;
  bool transposed = 6;
}

message EdgeLayerMux {
  string name = 1;
  EdgeLayerBase edge_layer_base = 2;
  string hn_output_layer_name = 4;
  repeated string original_names = 6;
}

message EdgeLayerPlanes {
  string name = 1;
  uint32 planes_format = 2;
  uint32 height = 4;
  uint32 width = 5;
  uint32 features = 6;
}

message EdgeLayerBase {
  uint32 height = 1;
  uint32 padded_height = 2;
  uint32 width = 3;
  uint32 padded_width = 4;
  uint32 features = 5;
  uint32 padded_features = 6;
  uint32 format = 7;
  uint32 sys_index = 8;
  uint32 core_bytes_per_buffer = 9;
  uint32 core_buffers_per_frame = 10;
  AdditionalInfo additional_info = 11;
  uint32 data_bytes = 12;
  bool host_argmax = 14;
  uint32 max_shmifo_size = 15;
  uint32 engine_id = 16;
}

message AdditionalInfo {
  NmsInfo nms_info = 1;
}

message NmsInfo {
  uint32 type_index = 1;
  uint32 number_of_classes = 2;
  uint32 max_output_size = 3;
  uint32 bbox_size = 4;
  bool is_defused = 5;
  uint32 input_division_factor = 7;
  uint32 burst_size = 8;
  uint32 burst_type = 9;
}

message NmsOp {
  double nms_score_th = 1;
  double nms_iou_th = 2;
  uint32 max_proposals_per_class = 3;
  uint32 classes = 4;
  bool background_removal = 5;
  uint32 background_removal_index = 6;
  oneof arch {
    YoloNmsOp yolo_nms_op = 7;
    YoloxNmsOp yolox_nms_op = 8;
    SsdNmsOp ssd_nms_op = 9;
    IouNmsOp iou_op = 10;
    YoloSegNmsOp yolo_seg_op = 11;
    Yolov8NmsOp yolov8_nms_op = 12;
  }
  bool bbox_decoding_only = 13;
}

message YoloNmsOp {
  double image_height = 1;
  double image_width = 2;
  uint32 input_division_factor = 3;
  repeated YoloBboxDecoder bbox_decoders = 4;
}

message YoloBboxDecoder {
  repeated uint32 h = 2;
  repeated uint32 w = 3;
  uint32 stride = 4;
  uint32 pad_index = 5;
}

message YoloxNmsOp {
  double image_height = 1;
  double image_width = 2;
  repeated YoloxBboxDecoder bbox_decoders = 3;
}

message YoloxBboxDecoder {
  uint32 stride = 1;
  uint32 reg_pad_index = 2;
  uint32 cls_pad_index = 3;
  uint32 obj_pad_index = 4;
}

message SsdNmsOp {
  double image_height = 1;
  double image_width = 2;
  uint32 centers_scale_factor = 3;
  uint32 bbox_dimensions_scale_factor = 4;
  uint32 ty = 5;
  uint32 tx = 6;
  uint32 th = 7;
  uint32 tw = 8;
  repeated SsdBboxDecoder bbox_decoders = 9;
}

message SsdBboxDecoder {
  repeated float h = 1;
  repeated float w = 2;
  uint32 reg_pad_index = 3;
  uint32 cls_pad_index = 4;
}

message IouNmsOp {
}

message YoloSegNmsOp {
  double image_height = 1;
  double image_width = 2;
  repeated YoloBboxDecoder bbox_decoders = 3;
  YoloSegProtoInfo proto_info = 4;
  double mask_threshold = 5;
}

message YoloSegProtoInfo {
  uint32 number = 1;
  uint32 stride = 2;
  string proto_layer = 3;
}

message Yolov8NmsOp {
  double image_height = 1;
  double image_width = 2;
  uint32 input_division_factor = 3;
  repeated Yolov8BboxDecoder bbox_decoders = 4;
  uint32 regression_length = 5;
}

message Yolov8BboxDecoder {
  uint32 stride = 1;
  uint32 reg_pad_index = 2;
  uint32 cls_pad_index = 3;
}
`

let hefType: protobuf.Type | undefined

/** The top-level `hef.Hef` message type (ProtoHEFHef). Parsed on first use. */
export function hefProtoType(): protobuf.Type {
  if (!hefType) {
    const { root } = protobuf.parse(HEF_PROTO_TEXT, { keepCase: false })
    hefType = root.lookupType('hef.Hef')
  }
  return hefType
}

// ---------------------------------------------------------------------------------------------------
// Enum values from hef.proto and HailoRT (docs/hailo-formats.md 1.2), for names in summaries.

export const HW_ARCH_NAMES: Readonly<Record<number, string>> = {
  0: 'HAILO8',
  1: 'HAILO8P',
  2: 'HAILO8R',
  3: 'HAILO8L',
  4: 'HAILO15M',
  5: 'HAILO10H',
  6: 'HAILO15L',
  100: 'SAGE_A0',
  101: 'SAGE_B0',
  102: 'PAPRIKA_B0',
  103: 'HAILO1XH',
  104: 'GINGER',
  105: 'LAVENDER',
  106: 'PLUTO',
  108: 'MARS',
}

export const EXTENSION_NAMES: readonly string[] = [
  'ABBALE',
  'POSTED_WRITES',
  'DDR',
  'PADDED_DDR_BUFFERS',
  'IS_MULTI_CONTEXTS',
  'COMPRESSED_PARAMS',
  'TRANSPOSE_COMPONENT',
  'TEST_ONE',
  'MULTI_NETWORK_VARIABLE_BATCH_SIZE',
  'IS_NMS_MULTI_CONTEXT',
  'OFFLOAD_ARGMAX',
  'HW_PADDING',
  'KO_RUN_ASAP',
  'HAILO_NET_FLOW',
  'HAILO_NET_FLOW_YOLOV5_NMS',
  'HAILO_NET_FLOW_YOLOX_NMS',
  'HAILO_NET_FLOW_SSD_NMS',
  'HAILO_NET_FLOW_IOU_NMS',
  'WRITE_DATA_BY_TYPE',
  'NMS_OUTPUT_BURST',
  'DUAL_DIRECTION_STREAM_INDEX',
  'HAILO_NET_FLOW_ARGMAX',
  'HAILO_NET_FLOW_SOFTMAX',
  'ALIGNED_FORMAT_TYPE',
  'HAILO_NET_FLOW_YOLOV5_SEG_NMS',
  'OUTPUT_SCALE_PER_FEATURE',
  'PERIPH_CALCULATION_IN_HAILORT',
  'HAILO_NET_FLOW_YOLOV8_NMS',
  'BATCH_REGISTER_CONFIG',
  'HAILO_NET_FLOW_BBOX_DECODING',
  'CCW_PTR_SQUEEZE',
  'EXTERNAL_RESOURCES',
  'SHARED_CONFIG',
  'CSM_CRC',
  'ENABLE_CONFIG_CHANNELS',
  'STRICT_RUNTIME_VERSIONING',
]

export const FORMAT_ORDER_NAMES: readonly string[] = [
  'AUTO',
  'NHWC',
  'NHCW',
  'FCR',
  'F8CR',
  'NHW',
  'NC',
  'BAYER_RGB',
  '12_BIT_BAYER_RGB',
  'HAILO_NMS',
  'RGB888',
  'NCHW',
  'YUY2',
  'NV12',
  'NV21',
  'HAILO_YYUV',
  'HAILO_YYVU',
]

export const FORMAT_TYPE_NAMES: readonly string[] = ['AUTO', 'UINT8', 'UINT16']

/** `EdgeLayerBase.format`, HailoRT's internal layer format enum. */
export const EDGE_FORMAT_NAMES: readonly string[] = [
  'TF_RGB',
  'FRAMES',
  'FLAT',
  'FCR',
  'BAYER_RGB',
  'ARGMAX',
  'NMS',
  'F8CR',
]

export const EDGE_CONNECTION_NAMES: readonly string[] = ['BOUNDARY', 'INTERMEDIATE', 'DDR', 'CACHE']

export const INCLUDED_FEATURE_KEYS: readonly string[] = [
  'abbale',
  'postedWrites',
  'ddr',
  'isMultiContext',
  'compressedParams',
  'transposeComponent',
  'paddedDdrBuffers',
  'sequencer',
]

/** `name` of enum value `value`, or `unknown (value)`. */
export function enumName(names: Readonly<Record<number, string>>, value: number): string {
  return names[value] ?? `unknown (${value})`
}
