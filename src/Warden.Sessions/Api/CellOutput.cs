using System.Text.Json.Serialization;

namespace Warden.Sessions;

/// <summary>
/// One output of a cell in the Jupyter output model (nbformat's <c>output_type</c>, here
/// <c>outputType</c>): <c>stream</c>, <c>execute_result</c>, <c>display_data</c>, <c>error</c>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "outputType")]
[JsonDerivedType(typeof(StreamOutput), "stream")]
[JsonDerivedType(typeof(ExecuteResultOutput), "execute_result")]
[JsonDerivedType(typeof(DisplayDataOutput), "display_data")]
[JsonDerivedType(typeof(ErrorOutput), "error")]
public abstract record CellOutput;
